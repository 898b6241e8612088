import Foundation
import Sandbox
import Testing
import TestSupport

@Suite("Artifacts and steps")
struct ArtifactTests {
    private func runResults(_ response: TestResponse) -> (which: String?, statuses: Set<String>) {
        let json = response.json ?? [:]
        let statuses = Set((json["results"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String })
        return ((json["args"] as? [String: Any])?["which"] as? String, statuses)
    }

    @Test func defaultRunResultsOfTheFailedRunIsTheGreenDocsOne() async throws {
        try await withSandboxHTTP { client in
            let last = try await client.get("/api/v2/accounts/43/runs/902/artifacts/run_results.json")
            #expect(last.status == 200)
            #expect(last.json?["status"] == nil, "artifacts are not enveloped")
            #expect(runResults(last).which == "generate")
            #expect(runResults(last).statuses == ["success"])
            let build = try await client.get("/api/v2/accounts/43/runs/902/artifacts/run_results.json?step=2")
            #expect(runResults(build).which == "build")
            #expect(runResults(build).statuses.isSuperset(of: ["error", "fail", "skipped", "warn"]))
            let expected = try Data(contentsOf: try #require(DemoArtifacts.fixtureURL("failure/steps/2_build/run_results.json")))
            #expect(build.body == expected)
        }
    }

    @Test func artifactListAndMissingArtifacts() async throws {
        try await withSandboxHTTP { client in
            let list = try await client.get("/api/v2/accounts/43/runs/902/artifacts/")
            #expect(list.json?["data"] as? [String] == ["catalog.json", "manifest.json", "run_results.json", "sources.json"])
            let freshnessOnly = try await client.get("/api/v2/accounts/43/runs/902/artifacts/?step=1")
            #expect(freshnessOnly.json?["data"] as? [String] == ["sources.json"])
            let noRunResults = try await client.get("/api/v2/accounts/43/runs/902/artifacts/run_results.json?step=1")
            #expect(noRunResults.status == 404)
            let absent = try await client.get("/api/v2/accounts/43/runs/902/artifacts/compiled/nothing.sql")
            #expect(absent.status == 404)
            let badStep = try await client.get("/api/v2/accounts/43/runs/902/artifacts/manifest.json?step=9")
            #expect(badStep.status == 404)
            let manifest = try await client.get("/api/v2/accounts/43/runs/902/artifacts/manifest.json")
            #expect((manifest.json?["nodes"] as? [String: Any])?["model.lumen_shop.int_customer_order_history"] != nil)
        }
    }

    @Test func successfulRunsServeTheSuccessFixtures() async throws {
        try await withSandboxHTTP { client in
            let build = try await client.get("/api/v2/accounts/43/runs/901/artifacts/run_results.json?step=2")
            #expect(runResults(build).which == "build")
            #expect(!runResults(build).statuses.contains("error"))
            let sources = try await client.get("/api/v2/accounts/43/runs/913/artifacts/sources.json")
            #expect(sources.status == 200)
        }
    }

    @Test func stepsHaveRealLogsAndTruncatedDebugLogs() async throws {
        try await withSandboxHTTP { client in
            let run = try #require(try await client.get("/api/v2/accounts/43/runs/902/?include_related=run_steps").data)
            let build = run.objects("run_steps")[1]
            #expect(build.int("index") == 2)
            #expect(build.int("status") == 20)
            #expect(build["debug_logs"] is NSNull)
            let truncated = try #require(build.string("truncated_debug_logs"))
            #expect(truncated.split(separator: "\n", omittingEmptySubsequences: false).count == 1_000)
            let stepID = try #require(build.int("id"))
            let step = try #require(try await client.get("/api/v2/accounts/43/steps/\(stepID)/?include_related=debug_logs").data)
            let full = try #require(step.string("debug_logs"))
            #expect(full.split(separator: "\n", omittingEmptySubsequences: false).count > 1_000)
            #expect(full.contains("Marking all children of 'model.lumen_shop.int_customer_order_history' to be skipped"))
            #expect(step.string("logs") == build.string("logs"))
            let withDebug = try #require(try await client.get("/api/v2/accounts/43/runs/902/?include_related=run_steps,debug_logs").data)
            #expect(withDebug.objects("run_steps")[1].string("debug_logs") == full)
        }
    }

    @Test func fixtureURLsResolve() {
        #expect(DemoArtifacts.fixtureURL("failure/manifest.json") != nil)
        #expect(DemoArtifacts.fixtureURL("success/steps/3_docs_generate/catalog.json") != nil)
        #expect(DemoArtifacts.fixtureURL("failure/nope.json") == nil)
    }
}
