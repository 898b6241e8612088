import DbtArtifacts
import Foundation
import Sandbox
import Testing
import TestSupport
import Synchronization

/// The failure-shape demo jobs, read over HTTP the way `explain` will: the run with its steps,
/// the artifacts the story asks for (per step), then the story.
@Suite("Failure shapes")
struct ShapeTests {
    struct Explained {
        let run: RunFacts
        let story: RunStory
        /// The HTTP status of each artifact the story asked for.
        let artifactStatuses: [Int]
    }

    private func explain(_ client: SandboxHTTP, run id: Int) async throws -> Explained {
        let response = try await client.get("/api/v2/accounts/43/runs/\(id)/?include_related=%5B%22run_steps%22%5D")
        #expect(response.status == 200)
        let run = try RunFacts.decode(response.body)
        var evidence = RunEvidence()
        var statuses: [Int] = []
        for request in RunStory.evidenceNeeded(for: run) {
            let artifact = try await client.get("/api/v2/accounts/43/runs/\(id)/artifacts/\(request.path)?step=\(request.step)")
            statuses.append(artifact.status)
            guard artifact.status == 200 else { continue }
            switch request {
            case .runResults: evidence.runResults = try RunResults.decode(artifact.body)
            case .manifest: evidence.manifest = try Manifest.decode(artifact.body)
            case .sources: evidence.sources = try SourceFreshness.decode(artifact.body)
            }
        }
        return Explained(run: run, story: RunStory(run: run, evidence: evidence), artifactStatuses: statuses)
    }

    @Test func everyShapeIsExplainedWithDbtsOwnWords() async throws {
        try await withSandboxHTTP { client in
            let expected: [String: (RunVerdict, String)] = [
                "multiple_failures": (.nodeErrors, "Binder Error: Referenced column \"gross_order_value_usd\" not found in FROM clause!"),
                "freshness_failure": (.freshness, "Catalog Error: Table with name \"zendesk.tickets\" does not exist because schema \"zendesk\" does not exist."),
                "test_step_failure": (.testFailures, "Catalog Error: Scalar Function with name div0 does not exist!"),
                "compile_error": (.compile, "Model 'model.lumen_shop.fct_refunds' (models/marts/finance/fct_refunds.sql) depends on a node named 'stg_refunds' which was not found"),
                "deps_failure": (.deps, "Package lumen-labs/dbt_lumen_utils was not found in the package index"),
                "connection_failure": (.connection, "IO Error: Cannot open file \"/data/lumen/analytics.duckdb\": No such file or directory"),
                "git_clone_failure": (.gitClone, "fatal: Remote branch release/2026-12 not found in upstream origin"),
                "cancelled": (.cancelled, "model.lumen_shop.fct_orders"),
                "timed_out": (.timedOut, "sql table model intermediate.int_orders_enriched"),
                "running": (.running, "START"),
                "artifacts_not_saved": (.artifactsNotSaved, "Binder Error: Referenced column \"gross_order_value_usd\" not found in FROM clause!"),
            ]
            #expect(Set(DemoWorld.shapeJobs.map(\.shape)) == Set(expected.keys))
            for job in DemoWorld.shapeJobs {
                let explained = try await explain(client, run: job.runID)
                let story = explained.story
                let (verdict, text) = try #require(expected[job.shape])
                #expect(story.verdict == verdict, "\(job.shape): \(story.headline)")
                #expect(explained.artifactStatuses.allSatisfy { $0 == 200 }, "\(job.shape) asked for what is not there: \(explained.artifactStatuses)")
                let said = Self.everything(story)
                #expect(said.contains { $0.contains(text) }, "\(job.shape) should say \(text): \(said.prefix(40))")
                #expect(explained.run.jobID == job.jobID)
            }
        }
    }

    /// Every line the story can show.
    static func everything(_ story: RunStory) -> [String] {
        var lines = [story.headline] + story.errorLines + story.logTail + story.unfinished.map(\.description)
        for failure in (story.nodes?.failures ?? []) + (story.nodes?.warnings ?? []) {
            lines += failure.problem.messageLines + [failure.problem.message ?? ""]
        }
        for failure in story.loggedFailures { lines += failure.messageLines }
        for entry in story.freshness?.entries ?? [] { lines += entry.messageLines }
        return lines
    }

    @Test func theTestStepIsExplainedNotTheGreenRunStep() async throws {
        try await withSandboxHTTP { client in
            let explained = try await explain(client, run: 963)
            #expect(explained.story.step?.name == "Invoke dbt with `dbt test`")
            #expect(explained.story.step?.index == 5)
            #expect(explained.story.nodes?.failures.map(\.name) == [
                "assert_daily_refund_rate_below_20pct", "not_null_dim_customers_first_ordered_at",
                "positive_value_fct_orders_net_revenue_usd",
            ])
            let runStep = try await client.get("/api/v2/accounts/43/runs/963/artifacts/run_results.json?step=4")
            #expect(try RunResults.decode(runStep.body).summary.error == 0, "the run step is green")
            let lastStep = try await client.get("/api/v2/accounts/43/runs/963/artifacts/run_results.json")
            #expect(try RunResults.decode(lastStep.body).command == .test, "no ?step: the last step's")
        }
    }

    @Test func artifactsAreServedPerStepAndStepsWithoutAre404() async throws {
        try await withSandboxHTTP { client in
            let steps = try #require(try await client.get("/api/v2/accounts/43/runs/959/?include_related=run_steps").data).objects("run_steps")
            #expect(steps.map { $0.string("name") ?? "" } == [
                "Clone git repository", "Create profile from connection DuckDB", "Invoke dbt with `dbt deps`",
                "Invoke dbt with `dbt build`",
            ])
            #expect(steps[0].object("run_step_command") == nil)
            #expect(steps[0].string("logs")?.contains("Checked out at ") == true)
            let deps = try await client.get("/api/v2/accounts/43/runs/959/artifacts/?step=3")
            #expect(deps.status == 200)
            #expect(deps.json?["data"] is NSNull, "dbt deps wrote no artifacts")
            #expect(try await client.get("/api/v2/accounts/43/runs/959/artifacts/run_results.json?step=3").status == 404)
            #expect(try await client.get("/api/v2/accounts/43/runs/959/artifacts/manifest.json?step=1").status == 404)
            let build = try await client.get("/api/v2/accounts/43/runs/959/artifacts/run_results.json?step=4")
            #expect(build.status == 200)
            let expected = try Data(contentsOf: try #require(DemoArtifacts.fixtureURL("multiple_failures/steps/2_build/run_results.json")))
            #expect(build.body == expected)
            #expect(try await client.get("/api/v2/accounts/43/runs/959/artifacts/run_results.json").body == expected)
            #expect(try await client.get("/api/v2/accounts/43/runs/964/artifacts/run_results.json?step=4").status == 404, "a parse error writes nothing")
            #expect(try await client.get("/api/v2/accounts/43/runs/962/artifacts/sources.json?step=4").status == 200)
            let details = try #require(try await client.get("/api/v2/accounts/43/runs/962/retry/").data)
            #expect(details.string("failed_step") == "dbt source freshness")
            #expect(details["skipped_steps"] as? [String] == ["dbt build"])
            let docs = try #require(try await client.get("/api/v2/accounts/43/runs/964/retry/").data)
            #expect(docs["skipped_steps"] as? [String] == ["dbt docs generate"])
        }
    }

    @Test func lostArtifactsAre404WhileStepsAndLogsExist() async throws {
        try await withSandboxHTTP { client in
            let run = try #require(try await client.get("/api/v2/accounts/43/runs/978/?include_related=run_steps").data)
            #expect(run.bool("artifacts_saved") == false)
            #expect(run.string("status_humanized") == "Error")
            let build = try #require(run.objects("run_steps").last)
            #expect(build.string("logs")?.contains("Done. PASS=69 WARN=1 ERROR=5 SKIP=28 NO-OP=0 TOTAL=103") == true)
            #expect(try await client.get("/api/v2/accounts/43/runs/978/artifacts/").json?["data"] is NSNull)
            #expect(try await client.get("/api/v2/accounts/43/runs/978/artifacts/run_results.json").status == 404)
            #expect(try await client.get("/api/v2/accounts/43/runs/978/artifacts/run_results.json?step=4").status == 404)
        }
    }

    @Test func theRunningBuildsLogGrowsUntilItsSlowModel() async throws {
        try await withSandboxHTTP { client in
            func buildStep() async throws -> [String: Any] {
                try #require(try await client.get("/api/v2/accounts/43/runs/976/?include_related=run_steps").data?.objects("run_steps").last)
            }
            let run = try #require(try await client.get("/api/v2/accounts/43/runs/976/").data)
            #expect(run.int("status") == 3)
            #expect(run.bool("in_progress") == true)
            let first = try await buildStep()
            #expect(first.int("status") == 3)
            #expect(first["finished_at"] is NSNull)
            let firstCount = first.string("logs")?.split(separator: "\n").count ?? 0
            #expect(firstCount > 1)
            // The log growing is the event; awaited up to 30 s (it grows a line a second).
            let deadline = ContinuousClock.now + .seconds(30)
            var grown = firstCount
            while grown <= firstCount, ContinuousClock.now < deadline {
                try await Task.sleep(nanoseconds: 100_000_000)
                grown = try await buildStep().string("logs")?.split(separator: "\n").count ?? 0
            }
            #expect(grown > firstCount, "the log grows: \(firstCount) → \(grown)")
            let explained = try await explain(client, run: 976)
            #expect(explained.story.verdict == .running)
            #expect(explained.story.nextSteps == [.followLog(step: 4)])
            #expect(explained.artifactStatuses.isEmpty, "nothing to fetch while it runs")
        }
    }

    @Test func theHistoryBreaksAtRun947AndBisectFindsItInSixFetches() async throws {
        try await withSandboxHTTP { client in
            let listing = try await client.get("/api/v2/accounts/43/runs/?job_definition_id=43201&order_by=-id&limit=100")
            let newestFirst = listing.list
            #expect(newestFirst.compactMap { $0.int("id") } == Array(DemoWorld.historyRunIDs.reversed()))
            #expect(newestFirst.allSatisfy { ($0.int("id") ?? 0) >= 947 ? $0.int("status") == 20 : $0.int("status") == 10 })
            let node = "model.lumen_shop.int_customer_order_history"
            let fetches = Counter()
            let bisection = try await Bisect.search(runs: Array(DemoWorld.historyRunIDs)) { id in
                fetches.increment()
                let results = try await client.get("/api/v2/accounts/43/runs/\(id)/artifacts/run_results.json?step=4")
                return NodeOutcome(try RunResults.decode(results.body).result(for: node)?.status)
            }
            #expect(bisection.lastPass == 946)
            #expect(bisection.firstFailure == 947)
            #expect(fetches.value == bisection.fetched)
            #expect(bisection.fetched <= 6, "ceil(log2 30) + 1")

            var timeline: [TimelineEntry] = []
            for id in DemoWorld.historyRunIDs.reversed().prefix(20) {
                let run = try RunFacts.decode(try await client.get("/api/v2/accounts/43/runs/\(id)/").body)
                let results = try RunResults.decode(try await client.get("/api/v2/accounts/43/runs/\(id)/artifacts/run_results.json?step=4").body)
                timeline.append(TimelineEntry(run: run, results: results, node: node))
            }
            #expect(timeline.map(\.outcome) == Array(repeating: .failed, count: 13) + Array(repeating: .passed, count: 7))
            #expect(Set(timeline.compactMap(\.gitSHA)).count == 20, "a commit a day")
        }
    }

    @Test func whatChangedWhenTheDailyBuildBroke() async throws {
        try await withSandboxHTTP { client in
            func facts(_ id: Int) async throws -> RunFacts {
                try RunFacts.decode(try await client.get("/api/v2/accounts/43/runs/\(id)/?include_related=run_steps").body)
            }
            let good = try await facts(946)
            let bad = try await facts(947)
            let changes = RunChanges(from: good, to: bad)
            #expect(changes.change(.gitSHA)?.before == good.gitSHA && changes.change(.gitSHA)?.after == bad.gitSHA)
            #expect(changes.change(.dbtVersion) == RunChange(aspect: .dbtVersion, before: "compatible (dbt 1.10.23)", after: "latest (dbt 1.11.16)"))
            #expect(changes.change(.threads) == RunChange(aspect: .threads, before: "4", after: "8"))
            #expect(changes.change(.commands) == nil)
            #expect(changes.change(.target) == nil)
            let nextDay = RunChanges(from: bad, to: try await facts(948))
            #expect(nextDay.changes.map(\.aspect) == [.gitSHA])

            let node = "model.lumen_shop.int_customer_order_history"
            let old = try RunResults.decode(try await client.get("/api/v2/accounts/43/runs/946/artifacts/run_results.json?step=4").body)
            let new = try RunResults.decode(try await client.get("/api/v2/accounts/43/runs/947/artifacts/run_results.json?step=4").body)
            let diff = UnifiedDiff(
                old: try #require(old.compiledCode(of: node)), new: try #require(new.compiledCode(of: node)), oldLabel: "run 946",
                newLabel: "run 947")
            #expect(diff.lines.contains { $0.kind == .added && $0.text.contains("sum(gross_order_value_usd)") })

            let manifest = try Manifest.decode(try await client.get("/api/v2/accounts/43/runs/947/artifacts/manifest.json?step=4").body)
            #expect(Lineage(manifest: manifest, results: new).exposuresDownstream(of: node) == [
                "exposure.lumen_shop.crm_customer_sync", "exposure.lumen_shop.weekly_revenue_dashboard",
            ])
        }
    }

    @Test func runFieldsOfTheShapes() async throws {
        try await withSandboxHTTP { client in
            let timedOut = try RunFacts.decode(try await client.get("/api/v2/accounts/43/runs/974/?include_related=run_steps").body)
            #expect(timedOut.statusMessage == "This run timed out after running for 600 seconds.")
            #expect(timedOut.runDurationSeconds == 600)
            #expect(timedOut.steps.last?.log.hasSuffix("Timeout: the job exceeded its timeout of 600 seconds and was stopped.") == true)
            let job = try #require(try await client.get("/api/v2/accounts/43/jobs/43209/").data)
            #expect(job.object("execution")?.int("timeout_seconds") == 600)
            let clone = try RunFacts.decode(try await client.get("/api/v2/accounts/43/runs/970/?include_related=run_steps").body)
            #expect(clone.gitSHA == nil)
            #expect(clone.gitBranch == "release/2026-12")
            #expect(clone.steps.map(\.name) == ["Clone git repository"])
            #expect(clone.steps.first?.log.contains("/tmp/jobs/970/target") == true)
            let cancelled = try RunFacts.decode(try await client.get("/api/v2/accounts/43/runs/972/?include_related=run_steps").body)
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.statusMessage == "Cancelled by user.")
            #expect(cancelled.steps.last?.status == .cancelled)
            #expect(try await client.get("/api/v2/accounts/43/runs/972/artifacts/run_results.json?step=4").status == 200, "dbt wrote what it had")
        }
    }

    @Test func triggeredRunsOfAShapeJobReplayTheShapeEvenAfterAnUpdate() async throws {
        try await withSandboxHTTP { client in
            let job = try #require(try await client.get("/api/v2/accounts/43/jobs/43205/").json?["data"] as? [String: Any])
            var renamed = job
            renamed["name"] = "Package upgrade (renamed)"
            let body = String(decoding: try JSONSerialization.data(withJSONObject: renamed), as: UTF8.self)
            #expect(try await client.post("/api/v2/accounts/43/jobs/43205/", body).status == 200)
            let triggered = try await client.post("/api/v2/accounts/43/jobs/43205/run/", #"{"cause": "again"}"#)
            let id = try #require(triggered.data?.int("id"))
            let finished = try await client.waitForRun(id) { $0.bool("is_complete") == true }
            #expect(finished.int("status") == 20)
            let steps = finished.objects("run_steps")
            #expect(steps.last?.string("name") == "Invoke dbt with `dbt deps`")
            #expect(steps.last?.string("logs")?.contains("Package lumen-labs/dbt_lumen_utils was not found in the package index") == true)
        }
    }
}

/// Counts the bisect closure's fetches.
private final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
