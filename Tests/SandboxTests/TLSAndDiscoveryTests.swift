import Foundation
import Sandbox
import Testing
import TestSupport

@Suite("TLS and Discovery")
struct TLSAndDiscoveryTests {
    @Test func tlsWithTheSelfSignedCertificate() async throws {
        try await withSandboxHTTP(SandboxConfiguration(tls: true, stepSeconds: 0.05), trustingCertificate: true) { client in
            #expect(client.server.baseURL.scheme == "https")
            let pem = try #require(client.server.certificatePEM)
            #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
            let response = try await client.get("/api/v2/accounts/43/")
            #expect(response.status == 200)
            #expect(response.data?.string("name") == "Acme Analytics")
        }
    }

    @Test func tlsIsRefusedWithoutTrustingThePEM() async throws {
        // The client keeps retrying a failed handshake until its connect timeout.
        try await withSandboxHTTP(
            SandboxConfiguration(tls: true, stepSeconds: 0.05), trustingCertificate: false, connectTimeout: .milliseconds(400)
        ) { client in
            await #expect(throws: (any Error).self) {
                _ = try await client.get("/api/v2/accounts/43/")
            }
        }
    }

    private func modelsQuery(after: String?) -> String {
        let query = """
            query AppliedModels($environmentId: BigInt!, $first: Int!, $after: String) {
              environment(id: $environmentId) { applied { models(first: $first, after: $after) {
                totalCount pageInfo { endCursor hasNextPage }
                edges { node { name uniqueId materializedType database schema description
                  executionInfo { lastRunStatus lastRunError executionTime } } } } } }
            }
            """
        let variables: [String: Any] = ["environmentId": 202, "first": 10, "after": after ?? NSNull()]
        let body = try! JSONSerialization.data(withJSONObject: ["query": query, "variables": variables])
        return String(decoding: body, as: UTF8.self)
    }

    @Test func discoveryPagesThroughTheAppliedModels() async throws {
        try await withSandboxHTTP { client in
            var names: [String] = []
            var cursor: String?
            var pages = 0
            var errored: [[String: Any]] = []
            repeat {
                let response = try await client.post("/graphql", modelsQuery(after: cursor))
                let models = try #require(
                    (((response.json?["data"] as? [String: Any])?.object("environment"))?.object("applied"))?.object("models"))
                #expect(models.int("totalCount") == 19)
                let nodes = models.objects("edges").compactMap { $0.object("node") }
                names += nodes.compactMap { $0.string("name") }
                errored += nodes.filter { $0.object("executionInfo")?.string("lastRunStatus") == "error" }
                let info = try #require(models.object("pageInfo"))
                cursor = info.string("endCursor")
                pages += 1
                if info.bool("hasNextPage") != true { break }
            } while pages < 10
            #expect(pages == 2)
            #expect(names.count == 19)
            #expect(Set(names).count == 19)
            #expect(errored.map { $0.string("name") } == ["int_customer_order_history"])
            #expect(errored.first?.object("executionInfo")?.string("lastRunError")?.contains("Binder Error") == true)
        }
    }

    @Test func discoveryAcceptsInlineLiteralsAndRejectsOtherShapes() async throws {
        try await withSandboxHTTP { client in
            let inline = #"{"query": "{ environment(id: 202) { applied { models(first: 3) { totalCount edges { node { uniqueId } } } } } }"}"#
            let response = try await client.post("/graphql", inline)
            let edges = (((response.json?["data"] as? [String: Any])?.object("environment"))?.object("applied"))?.object("models")?.objects("edges")
            #expect(edges?.count == 3)
            let other = try await client.post("/graphql", #"{"query": "{ job(id: 1) { models { uniqueId } } }"}"#)
            #expect(other.status == 200)
            #expect((other.json?["errors"] as? [[String: Any]])?.first?.string("message") != nil)
            let unknownEnvironment = try await client.post("/graphql", #"{"query": "{ environment(id: 999) { applied { models(first: 3) { totalCount } } } }"}"#)
            #expect(unknownEnvironment.json?["errors"] != nil)
            let unauthenticated = try await client.request("POST", "/graphql", body: inline, authorization: nil)
            #expect(unauthenticated.status == 401)
        }
    }
}
