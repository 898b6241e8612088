import Foundation
import Testing
@testable import DbtCloud

@Suite("The embedded OpenAPI index: completion, help, list endpoints")
struct OpenAPIIndexTests {
    static let specs = [
        ("openapi-v2.yaml", "dbt-labs/dbt-cloud-openapi-spec openapi-v2.yaml @ b1d1233b (2026-08-14)"),
        ("openapi-v3.yaml", "dbt-labs/dbt-cloud-openapi-spec openapi-v3.yaml @ 1f274f76 (2026-08-20)"),
    ]

    /// The committed index is what the builder makes of the committed specs. With
    /// DBTSH_WRITE_OPENAPI_INDEX=1 the test rewrites the index instead (then commit it).
    @Test func committedIndexIsGeneratedFromTheCommittedSpecs() throws {
        let documents = try Self.specs.map { file, label in
            (label: label, document: try DefinitionText.parse(Fixtures.data("openapi/\(file)"), name: file))
        }
        let expected = OpenAPIIndexBuilder.render(OpenAPIIndexBuilder.build(documents))
        let indexFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/DbtCloud/Resources/openapi-index.json")
        if ProcessInfo.processInfo.environment["DBTSH_WRITE_OPENAPI_INDEX"] == "1" {
            try Data(expected.utf8).write(to: indexFile)
        }
        let committed = try String(contentsOf: indexFile, encoding: .utf8)
        #expect(committed == expected, "regenerate with DBTSH_WRITE_OPENAPI_INDEX=1 swift test --filter OpenAPIIndexTests")
        let index = try APIIndex.decode(JSONValue(parsing: Data(expected.utf8)))
        #expect(index.operations.count == 52 + 155, "every v2 and v3 operation of endpoints-v2.md and endpoints-v3.md")
    }

    @Test func theBundledIndexLoadsEveryOperation() throws {
        let index = try APIIndex.load()
        #expect(index.operations.count == 207)
        #expect(index.sources.count == 2)
        #expect(APIIndex.shared.operations.count == 207)
    }

    var index: APIIndex { APIIndex.shared }

    @Test func completesOneSegmentAtATimeWithContextPlaceholders() {
        let top = index.completions(for: "/api/v").map(\.text)
        #expect(top == ["/api/v2/", "/api/v3/"])
        let accounts = index.completions(for: "/api/v2/accounts/").map(\.text)
        #expect(accounts == ["/api/v2/accounts/{account}/"])
        let v3 = index.completions(for: "/api/v3/accounts/{account}/pro", method: "GET")
        #expect(v3.map(\.text) == ["/api/v3/accounts/{account}/projects/"])
        #expect(v3.first?.isEndpoint == true)
        #expect(v3.first?.summary == "List Projects")
        let project = index.completions(for: "/api/v3/accounts/{account}/projects/", method: "GET").map(\.text)
        #expect(project.contains("/api/v3/accounts/{account}/projects/{project}/"))
        let environments = index.completions(for: "/api/v3/accounts/{account}/projects/{project}/environments/")
        #expect(environments.map(\.text) == ["/api/v3/accounts/{account}/projects/{project}/environments/{environment}/"])
    }

    @Test func theMethodsAllowedPathsComeFirst() {
        let jobsPaths = index.completions(for: "/api/v2/accounts/{account}/jobs/{job}/", method: "POST")
        let texts = jobsPaths.map(\.text)
        #expect(texts.first.map { ["/api/v2/accounts/{account}/jobs/{job}/rerun/", "/api/v2/accounts/{account}/jobs/{job}/run/"].contains($0) } == true)
        let firstOther = jobsPaths.firstIndex { !$0.matchesMethod }
        let lastMatching = jobsPaths.lastIndex { $0.matchesMethod }
        #expect(firstOther.map { other in lastMatching.map { $0 < other } ?? true } ?? true)
        #expect(jobsPaths.first { $0.text.hasSuffix("/artifacts/") }?.matchesMethod == false)
        #expect(texts == ["/api/v2/accounts/{account}/jobs/{job}/rerun/", "/api/v2/accounts/{account}/jobs/{job}/run/",
                          "/api/v2/accounts/{account}/jobs/{job}/artifacts/"])
    }

    @Test func typedIdsAndTheShortV2FormStayAsTyped() {
        let typed = index.completions(for: "/api/v2/accounts/43/ru", method: "GET").map(\.text)
        #expect(typed == ["/api/v2/accounts/43/runs/"])
        let short = index.completions(for: "/v2/accounts/43/jobs/43167/r", method: "POST").map(\.text)
        #expect(short == ["/v2/accounts/43/jobs/43167/rerun/", "/v2/accounts/43/jobs/43167/run/"])
        #expect(index.completions(for: "/api/v2/accounts/4").isEmpty, "an id being typed is not completed")
        #expect(index.completions(for: "/nope/").isEmpty)
    }

    @Test func helpForAPathGivesSummaryAndParameters() throws {
        let list = try #require(index.operation("GET", "/api/v2/accounts/43/runs/?limit=5"))
        #expect(list.summary == "List Runs")
        #expect(list.path == "/api/v2/accounts/{account}/runs/")
        #expect(list.isList)
        let limit = try #require(list.parameters.first { $0.name == "limit" })
        #expect(limit.location == "query")
        #expect(limit.type == "integer")
        let orderBy = try #require(list.parameters.first { $0.name == "order_by" })
        #expect(orderBy.defaultValue == "id")
        #expect(list.parameters.first { $0.name == "account_id" }?.required == true)

        let trigger = try #require(index.operation("POST", "/api/v2/accounts/{account}/jobs/{job}/run/"))
        #expect(trigger.summary == "Trigger Job Run")
        #expect(trigger.requestBody == "TriggerRunRequestRequest")
        #expect(!trigger.isList)
        let methods = index.operations(matching: "/api/v2/accounts/43/jobs/43167/").map(\.method)
        #expect(Set(methods) == ["GET", "POST", "DELETE"])
        #expect(index.operations(matching: "/api/v2/accounts/43/runs/902/artifacts/").map(\.summary) == ["List Run Artifacts"])
        #expect(index.operation("GET", "/api/v2/accounts/43/jobs/43167") != nil, "a missing trailing slash still finds the endpoint")
    }

    @Test func listEndpointsAreThoseThatPage() {
        #expect(index.isList("/api/v2/accounts/43/jobs/"))
        #expect(index.isList("/api/v3/accounts/43/projects/"))
        #expect(index.isList("/api/v3/accounts/43/webhooks/subscriptions"))
        #expect(!index.isList("/api/v2/accounts/43/jobs/43167/"))
        #expect(!index.isList("/api/v2/accounts/43/runs/902/artifacts/"), "a list of paths, not a paged list")
    }

    @Test func contextPlaceholdersFollowTheCollection() {
        #expect(APIIndex.contextPath("/api/v2/accounts/{account_id}/runs/{run_id}/artifacts/{remainder}")
            == "/api/v2/accounts/{account}/runs/{run}/artifacts/{remainder}")
        #expect(APIIndex.contextPath("/api/v2/accounts/{account_id}/steps/{id}/") == "/api/v2/accounts/{account}/steps/{id}/")
        #expect(APIIndex.contextPath("/api/v3/accounts/{account_id}/projects/{project_id}/environments/{id}/")
            == "/api/v3/accounts/{account}/projects/{project}/environments/{environment}/")
    }
}
