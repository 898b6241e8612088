import Foundation
import Sandbox
import Testing
@testable import DbtCloud
import TestSupport

@Suite("api --paginate and query --paginate: every page merged, bounded")
struct PaginationTests {
    @Test func everyPageOfAListEndpointIsMergedIntoOneEnvelope() async throws {
        try await withSandbox { sandbox in
            let merged = try await sandbox.client.getAllPages("/api/v2/accounts/43/jobs/?limit=50&project_id=100")
            let jobs = try #require(merged.json["data"]?.arrayValue)
            let total = try #require(merged.totalCount)
            #expect(jobs.count == total)
            #expect(merged.items == total)
            #expect(merged.pages == (total + 49) / 50)
            #expect(!merged.truncated)
            #expect(Set(jobs.compactMap { $0["id"]?.intValue }).count == total)
            #expect(jobs.allSatisfy { $0["project_id"] == 100 })
            #expect(merged.json["extra"]?["pagination"]?["count"] == .int(total))
            #expect(merged.json["status"]?["code"] == 200)
            let requests = sandbox.requests(pathContains: "/jobs/")
            #expect(requests.map(\.path).allSatisfy { $0 == "/api/v2/accounts/43/jobs/" })
            #expect(requests.compactMap { $0.queryValue("offset") } == stride(from: 0, to: total, by: 50).map(String.init))
            #expect(requests.allSatisfy { $0.queryValue("limit") == "50" && $0.queryValue("project_id") == "100" })
        }
    }

    @Test func pagingIsBoundedAndSaysSo() async throws {
        try await withSandbox { sandbox in
            let capped = try await sandbox.client.getAllPages("/api/v2/accounts/43/jobs/", query: [("limit", "20")], maxItems: 30)
            #expect(capped.items == 30)
            #expect(capped.truncated)
            #expect(capped.pages == 2)
            let pages = try await sandbox.client.getAllPages("/v2/accounts/43/jobs/?limit=10&offset=100", maxPages: 2)
            #expect(pages.pages == 2)
            #expect(pages.truncated)
            #expect(pages.json["data"]?[0]?["id"] != nil)
            #expect(sandbox.requests().last?.queryValue("offset") == "110", "the given offset is where paging starts")

            // Webhooks have their own envelope: still paged by total_count.
            let hooks = try await sandbox.client.getAllPages("/api/v3/accounts/43/webhooks/subscriptions")
            #expect(hooks.items == 1)
            #expect(!hooks.truncated)
            // An object endpoint comes back as it is.
            let job = try await sandbox.client.getAllPages("/api/v2/accounts/43/jobs/43167/")
            #expect(job.pages == 1)
            #expect(job.json["data"]?["name"] == "Nightly build")
            await #expect {
                _ = try await sandbox.client.getAllPages("/api/v2/accounts/43/jobs/9/")
            } throws: { ($0 as? DbtCloudError)?.kind == .notFound }
        }
    }

    static let modelsQuery = """
        query Models($environmentId: BigInt!, $first: Int, $after: String) {
          environment(id: $environmentId) {
            applied {
              models(first: $first, after: $after) {
                totalCount
                pageInfo { hasNextPage endCursor }
                edges { node { uniqueId name } }
              }
            }
          }
        }
        """

    @Test func cursorPagesOfADiscoveryQueryAreMerged() async throws {
        try await withSandbox { sandbox in
            let merged = try await sandbox.client.graphQLAllPages(
                query: Self.modelsQuery, variables: ["environmentId": 202, "first": 7])
            #expect(merged.connectionPath == ["environment", "applied", "models"])
            #expect(merged.pages == 3)
            #expect(merged.nodes == 19)
            let models = try #require(merged.data.value(at: merged.connectionPath))
            #expect(models["totalCount"] == 19)
            #expect(models["pageInfo"]?["hasNextPage"] == false)
            let ids = models["edges"]?.arrayValue?.compactMap { $0["node"]?["uniqueId"]?.stringValue } ?? []
            #expect(Set(ids).count == 19)
            let posts = sandbox.requests(method: "POST", pathContains: "/graphql")
            #expect(posts.count == 3)
            #expect(posts.first?.jsonBody?["variables"]?["after"] == .null)
            #expect(posts.last?.jsonBody?["variables"]?["after"]?.stringValue != nil)

            let bounded = try await sandbox.client.graphQLAllPages(
                query: Self.modelsQuery, variables: ["environmentId": 202, "first": 5], maxPages: 2)
            #expect(bounded.truncated)
            #expect(bounded.nodes == 10)

            await #expect {
                _ = try await sandbox.client.graphQLAllPages(
                    query: "query ($environmentId: BigInt!) { environment(id: $environmentId) { applied { models(first: 5) { edges { node { name } } } } } }",
                    variables: ["environmentId": 202])
            } throws: { error in
                (error as? DbtCloudError)?.kind == .invalidArgument && (error as? DbtCloudError)?.description.contains("$after") == true
            }
        }
    }
}
