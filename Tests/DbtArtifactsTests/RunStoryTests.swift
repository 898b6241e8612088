import Foundation
import Testing
@testable import DbtArtifacts

/// RunStory over the real dbt output of every failure shape (Sources/Sandbox/Resources/dbt-artifacts).
@Suite struct RunStoryTests {
    @Test func parseErrorIsReadFromTheLogAlone() throws {
        let run = try ShapeRun.withPreamble(.error, "dbt build", .error, "compile_error/steps/1_build")
        #expect(RunStory.evidenceNeeded(for: run).isEmpty, "dbt wrote nothing: nothing to fetch")
        let story = RunStory(run: run)
        #expect(story.verdict == .compile)
        #expect(story.step?.index == 4)
        #expect(story.errorLines == [
            "Compilation Error",
            "Model 'model.lumen_shop.fct_refunds' (models/marts/finance/fct_refunds.sql) depends on a node named 'stg_refunds' which was not found",
        ])
        #expect(story.namedNode == "model.lumen_shop.fct_refunds")
        #expect(story.namedFile == "models/marts/finance/fct_refunds.sql")
        #expect(story.headline == "step 4 `dbt build` failed: dbt stopped before running anything: Model 'model.lumen_shop.fct_refunds' (models/marts/finance/fct_refunds.sql) depends on a node named 'stg_refunds' which was not found")
        #expect(story.nextSteps == [.stepLog(step: 4)], "no lineage: a parse error leaves no manifest.json to draw it from")
    }

    @Test func testStepFailureNamesTheTestsOfThatStepNotTheGreenRunStep() throws {
        let deps = try ShapeRun.dbt(3, "dbt deps", .success, "multiple_failures/steps/1_deps")
        let runStep = try ShapeRun.dbt(4, "dbt run", .success, "test_step_failure/steps/1_run")
        let testStep = try ShapeRun.dbt(5, "dbt test", .error, "test_step_failure/steps/2_test")
        let run = ShapeRun.run(.error, steps: [ShapeRun.clone, ShapeRun.profile, deps, runStep, testStep])
        let requests = RunStory.evidenceNeeded(for: run)
        #expect(requests == [.runResults(step: 5), .manifest(step: 5)])
        let story = RunStory(run: run, evidence: try ShapeRun.evidence(for: requests, in: "test_step_failure/steps/2_test"))
        #expect(story.verdict == .testFailures)
        let failures = try #require(story.nodes?.failures)
        #expect(failures.map(\.name) == [
            "assert_daily_refund_rate_below_20pct", "not_null_dim_customers_first_ordered_at",
            "positive_value_fct_orders_net_revenue_usd",
        ])
        #expect(failures.map(\.kind) == [.testError, .testFailure, .testFailure])
        #expect(failures[0].problem.messageLines[1] == "Catalog Error: Scalar Function with name div0 does not exist!")
        let excerpt = try #require(failures[0].sqlExcerpt)
        #expect(excerpt.reportedLine == 19)
        #expect(excerpt.lines.first { $0.isError }?.text == "where div0(refunded_usd, collected_usd) >= 0.2")
        #expect(failures[2].problem.failures == 641)
        #expect(story.headline == "step 5 `dbt test` failed: 3 errors (2 test failures, 1 test error)")
    }

    @Test func severalFailuresOfDifferentKindsAndTheSkipTree() throws {
        let run = try ShapeRun.withPreamble(.error, "dbt build", .error, "multiple_failures/steps/2_build")
        let requests = RunStory.evidenceNeeded(for: run)
        #expect(requests == [.runResults(step: 4), .manifest(step: 4)])
        let story = RunStory(run: run, evidence: try ShapeRun.evidence(for: requests, in: "multiple_failures/steps/2_build"))
        #expect(story.verdict == .nodeErrors)
        let nodes = try #require(story.nodes)
        let kinds = Dictionary(uniqueKeysWithValues: nodes.failures.map { ($0.name, $0.kind) })
        #expect(kinds == [
            "raw_exchange_rates": .seed, "customers_snapshot": .snapshot, "fct_payment_methods_daily": .compilation,
            "int_customer_order_history": .database, "assert_delivered_orders_fully_paid": .testFailure,
        ])
        #expect(nodes.warnings.map(\.kind) == [.testWarning])
        #expect(nodes.summary.line == "PASS=69 WARN=1 ERROR=5 SKIP=28 NO-OP=0 TOTAL=103")

        let model = try #require(nodes.failures.first { $0.name == "int_customer_order_history" })
        #expect(model.problem.messageLines[1] == "Binder Error: Referenced column \"gross_order_value_usd\" not found in FROM clause!")
        let excerpt = try #require(model.sqlExcerpt)
        #expect(excerpt.reportedLine == 24)
        #expect(excerpt.lines.first { $0.isError }?.text.trimmingCharacters(in: .whitespaces).hasPrefix("sum(gross_order_value_usd)") == true)
        #expect(excerpt.lines.count == 7)
        let seed = try #require(nodes.failures.first { $0.kind == .seed })
        #expect(seed.problem.messageLines[1] == "Conversion Error: CSV Error on Line: 57")
        let compile = try #require(nodes.failures.first { $0.kind == .compilation })
        #expect(compile.problem.messageLines[1].hasPrefix("'None' has no attribute 'replace'"))
        #expect(nodes.failures.first { $0.kind == .snapshot }?.sqlExcerpt == nil, "the snapshot's LINE is in SQL dbt generated")

        #expect(nodes.skippedCount == 28)
        #expect(nodes.skipGroups.map(\.count) == nodes.skipGroups.map(\.count).sorted(by: >), "largest group first")
        let byCause = Dictionary(
            uniqueKeysWithValues: nodes.skipGroups.map { ($0.causes.map { NodeNames.shortName($0.uniqueID) }.joined(separator: "+"), $0.count) })
        #expect(byCause["int_customer_order_history"] == 13, "\(byCause)")
        #expect(byCause["assert_delivered_orders_fully_paid"] == 3, "inventory_health and its two tests: \(byCause)")
        #expect(byCause["int_customer_order_history+raw_exchange_rates"] == 1, "the revenue dashboard: \(byCause)")
        #expect(byCause["raw_exchange_rates"] == 6, "\(byCause)")
        #expect(byCause["customers_snapshot"] == 3, "\(byCause)")
        #expect(byCause["fct_payment_methods_daily"] == 2, "\(byCause)")
        #expect(nodes.skipGroups.reduce(0) { $0 + $1.count } == 28)
        #expect(story.headline == "step 4 `dbt build` failed: 5 errors (1 database, 1 compilation, 1 seed, 1 snapshot, 1 test failure), 1 warning, 28 skipped")
        #expect(story.nextSteps.first == .failures)
    }

    @Test func freshnessFailureHasStaleWarnAndTheRuntimeErrorOnlyInTheLog() throws {
        let run = try ShapeRun.withPreamble(.error, "dbt source freshness", .error, "freshness_failure/steps/2_source_freshness")
        let requests = RunStory.evidenceNeeded(for: run)
        #expect(requests == [.sources(step: 4)])
        let evidence = try ShapeRun.evidence(for: requests, in: "freshness_failure/steps/2_source_freshness")
        #expect(evidence.sources?.results.count == 3, "dbt drops the runtime error from sources.json")
        let story = RunStory(run: run, evidence: evidence)
        #expect(story.verdict == .freshness)
        let freshness = try #require(story.freshness)
        #expect(freshness.entries.map(\.source) == [
            "erp.inventory_levels", "helpdesk.tickets", "marketing_ads.daily_ad_spend", "web_analytics.pages",
        ])
        #expect(freshness.entries.map(\.outcome) == [.stale, .runtimeError, .warn, .pass])
        let stale = freshness.entries[0]
        #expect(stale.errorAfter == "36 hour")
        #expect(stale.warnAfter == "12 hour")
        #expect((stale.ageSeconds ?? 0) > 36 * 3_600)
        #expect(stale.maxLoadedAt?.hasPrefix("2026-12-01T15:56") == true)
        let missing = freshness.entries[1]
        #expect(missing.path == "models/staging/_sources_helpdesk.yml")
        #expect(missing.messageLines.contains(
            "Catalog Error: Table with name \"zendesk.tickets\" does not exist because schema \"zendesk\" does not exist."))
        #expect(story.headline == "step 4 `dbt source freshness` failed: 1 source stale, 1 could not be checked, 1 warning")

        let fromLogOnly = RunStory(run: run)
        #expect(fromLogOnly.freshness?.entries.map(\.outcome) == [.stale, .runtimeError, .warn, .pass])
    }

    @Test func depsFailureShowsDbtsError() throws {
        let deps = try ShapeRun.dbt(3, "dbt deps", .error, "deps_failure/steps/1_deps")
        let run = ShapeRun.run(.error, steps: [ShapeRun.clone, ShapeRun.profile, deps])
        #expect(RunStory.evidenceNeeded(for: run).isEmpty)
        let story = RunStory(run: run)
        #expect(story.verdict == .deps)
        #expect(story.errorLines == ["Runtime Error", "Package lumen-labs/dbt_lumen_utils was not found in the package index"])
        #expect(story.headline == "step 3 `dbt deps` failed: dbt deps failed: Package lumen-labs/dbt_lumen_utils was not found in the package index")
    }

    @Test func connectionErrorWithoutItsPythonTracebacks() throws {
        let run = try ShapeRun.withPreamble(.error, "dbt build", .error, "connection_failure/steps/2_build")
        #expect(RunStory.evidenceNeeded(for: run).isEmpty)
        let story = RunStory(run: run)
        #expect(story.verdict == .connection)
        #expect(story.errorLines == ["IO Error: Cannot open file \"/data/lumen/analytics.duckdb\": No such file or directory"])
        let log = StepLog(try ShapeRun.text("connection_failure/steps/2_build/stdout.log"))
        #expect(log.lines.count == 231)
        #expect(log.lines.filter { $0.text.contains("Traceback") }.count == 3)
        let clean = log.withoutTracebacks
        #expect(!clean.contains { $0.text.hasPrefix("  File ") || $0.text.contains("Traceback") || $0.text.hasPrefix("During handling") })
        #expect(clean.count == 11, "\(clean.map(\.text))")
    }

    @Test func gitCloneFailureShowsGitsLine() throws {
        let clone = StepFacts(
            index: 1, name: "Clone git repository", status: .error,
            log: try ShapeRun.text("git_clone_failure/steps/1_clone/stdout.log"))
        let run = ShapeRun.run(.error, steps: [clone])
        let story = RunStory(run: run)
        #expect(story.verdict == .gitClone)
        #expect(story.errorLines == ["fatal: Remote branch release/2026-12 not found in upstream origin"])
        #expect(story.headline == "step 1 “Clone git repository” failed: could not clone the repository: fatal: Remote branch release/2026-12 not found in upstream origin")
    }

    @Test func cancelledRunSaysWhatWasRunning() throws {
        let run = try ShapeRun.withPreamble(.cancelled, "dbt build", .cancelled, "cancelled/steps/2_build", message: "Cancelled by user.")
        let requests = RunStory.evidenceNeeded(for: run)
        #expect(requests == [.runResults(step: 4)])
        let story = RunStory(run: run, evidence: try ShapeRun.evidence(for: requests, in: "cancelled/steps/2_build"))
        #expect(story.verdict == .cancelled)
        #expect(story.unfinished.map(\.description) == [
            "model.lumen_shop.dim_products", "model.lumen_shop.fct_daily_revenue", "model.lumen_shop.fct_orders",
            "model.lumen_shop.fct_payment_reconciliation",
        ])
        #expect(story.nodes?.summary.total == 72)
        #expect(story.headline == "cancelled during step 4 `dbt build` after 1m35s; dim_products was running")
        #expect(story.logTail.contains { $0.hasSuffix("Exited because of keyboard interrupt") })
        #expect(!story.logTail.contains { $0.hasPrefix("  File ") })
    }

    @Test func timedOutRunSaysWhereItStopped() throws {
        let run = try ShapeRun.withPreamble(
            .error, "dbt build", .error, "timed_out/steps/2_build", message: "This run timed out after running for 600 seconds.")
        let story = RunStory(run: run)
        #expect(story.verdict == .timedOut)
        #expect(story.unfinished.last?.description == "sql table model intermediate.int_orders_enriched")
        #expect(story.headline.hasPrefix("timed out during step 4 `dbt build` (This run timed out after running for 600 seconds.)"))
    }

    @Test func runningRunShowsTheStepSoFarAndItsTail() throws {
        let full = try ShapeRun.text("daily_pass/steps/2_build/stdout.log")
        let partial = full.split(separator: "\n", omittingEmptySubsequences: false).prefix(40).joined(separator: "\n")
        let deps = try ShapeRun.dbt(3, "dbt deps", .success, "daily_pass/steps/1_deps")
        let build = StepFacts(index: 4, name: "Invoke dbt with `dbt build`", status: .running, log: partial, durationSeconds: 40)
        let run = ShapeRun.run(.running, steps: [ShapeRun.clone, ShapeRun.profile, deps, build])
        #expect(RunStory.evidenceNeeded(for: run).isEmpty)
        let story = RunStory(run: run)
        #expect(story.verdict == .running)
        #expect(story.step?.index == 4)
        #expect(story.logTail.count == RunStory.tailLength)
        #expect(!story.unfinished.isEmpty)
        #expect(story.nextSteps == [.followLog(step: 4)])
        #expect(story.headline.hasPrefix("running step 4 `dbt build` for 40s; now on "))
    }

    @Test func artifactsNotSavedFallsBackToTheSummaryInTheLog() throws {
        let run = try ShapeRun.withPreamble(.error, "dbt build", .error, "multiple_failures/steps/2_build", artifactsSaved: false)
        #expect(RunStory.evidenceNeeded(for: run).isEmpty)
        let story = RunStory(run: run)
        #expect(story.verdict == .artifactsNotSaved)
        #expect(story.loggedFailures.map(\.name) == [
            "raw_exchange_rates", "customers_snapshot", "fct_payment_methods_daily", "int_customer_order_history",
            "assert_delivered_orders_fully_paid", "accepted_values_stg_orders_status__placed__shipped__delivered__returned__cancelled",
        ])
        #expect(story.loggedFailures.map(\.kind) == [.seed, .snapshot, .compilation, .database, .testFailure, .testWarning])
        let model = story.loggedFailures[3]
        #expect(model.path == "models/intermediate/int_customer_order_history.sql")
        #expect(model.compiledPath == "target/compiled/lumen_shop/models/intermediate/int_customer_order_history.sql")
        #expect(model.messageLines.first == "Runtime Error in model int_customer_order_history (models/intermediate/int_customer_order_history.sql)")
        #expect(story.headline == "step 4 `dbt build` failed and its artifacts were not saved: 5 errors (1 database, 1 compilation, 1 seed, 1 snapshot, 1 test failure), 1 warning (from the log)")
    }

    @Test func greenRunSummarisesItsBuildStep() throws {
        let run = try ShapeRun.withPreamble(.success, "dbt build", .success, "daily_pass/steps/2_build")
        let requests = RunStory.evidenceNeeded(for: run)
        #expect(requests == [.runResults(step: 4), .manifest(step: 4)])
        let story = RunStory(run: run, evidence: try ShapeRun.evidence(for: requests, in: "daily_pass/steps/2_build"))
        #expect(story.verdict == .succeeded)
        #expect(story.headline == "succeeded in 1m35s: PASS=101 WARN=0 ERROR=0 SKIP=0 NO-OP=2 TOTAL=103")
    }
}

@Suite struct StepLogTests {
    @Test func linesSplitIntoTimeAndText() {
        let log = StepLog("07:56:43  Running with dbt=1.11.16\n  continued\n\n07:56:47  Concurrency: 8 threads (target='prod')\n")
        #expect(log.lines == [
            LogLine(time: "07:56:43", text: "Running with dbt=1.11.16"), LogLine(time: nil, text: "  continued"),
            LogLine(time: nil, text: ""), LogLine(time: "07:56:47", text: "Concurrency: 8 threads (target='prod')"),
        ])
        #expect(log.dbtVersion == "1.11.16")
        #expect(log.concurrency?.threads == 8)
        #expect(log.concurrency?.target == "prod")
    }

    @Test func hostileLogsStayBounded() {
        let huge = String(repeating: "x\n", count: StepLog.lineLimit + 10)
        #expect(StepLog(huge).lines.count == StepLog.lineLimit)
        let control = StepLog("12:00:0\u{1B}  odd\nEncountered an error:")
        #expect(control.encounteredError.isEmpty)
    }

    @Test func keyboardInterruptTracebackKeepsItsLastLine() throws {
        let log = StepLog(try ShapeRun.text("cancelled/steps/2_build/stdout.log"))
        let clean = log.withoutTracebacks.map(\.text)
        #expect(clean.last == "KeyboardInterrupt")
        #expect(!clean.contains { $0.hasPrefix("  File ") })
    }
}

@Suite struct RunFactsDecodingTests {
    @Test func decodesTheEnvelopeWithStepsJobAndTrigger() throws {
        let json = #"""
        {"status": {"code": 200}, "data": {"id": 36053848, "job_definition_id": 43167, "status": 20,
          "status_message": null, "git_sha": "981c5c", "git_branch": "main", "dbt_version": "latest",
          "created_at": "2021-12-07 10:32:24.326116+00:00", "started_at": "2021-12-07T10:34:01.982824Z",
          "finished_at": "2021-12-07 10:34:14+00:00", "run_duration": "00:00:12", "artifacts_saved": true,
          "trigger": {"cause": "x", "threads_override": 8, "steps_override": null},
          "job": {"execute_steps": ["dbt build"], "settings": {"threads": 4, "target_name": "prod"}, "execution": {"timeout_seconds": 600}},
          "run_steps": [
            {"index": 2, "name": "Invoke dbt with `dbt build -s x`", "status": 20, "logs": "a", "truncated_debug_logs": "t", "duration": "00:00:03"},
            {"index": 1, "name": "Clone git repository", "status": 10, "logs": "b", "debug_logs": "full", "truncated_debug_logs": "t"}
          ]}}
        """#
        let run = try RunFacts.decode(Data(json.utf8))
        #expect(run.id == 36053848)
        #expect(run.jobID == 43167)
        #expect(run.status == .error)
        #expect(run.runDurationSeconds == 12)
        #expect(run.createdAt == Date(timeIntervalSince1970: 1_638_873_144.326_116))
        #expect(run.startedAt == Date(timeIntervalSince1970: 1_638_873_241.982_824))
        #expect(run.finishedAt == Date(timeIntervalSince1970: 1_638_873_254))
        #expect(run.steps.map(\.index) == [1, 2])
        #expect(run.steps[0].debugLog == "full")
        #expect(run.steps[1].debugLog == "t")
        #expect(run.steps[1].role == .dbt(subcommand: "build", command: "dbt build -s x"))
        #expect(run.steps[1].durationSeconds == 3)
        #expect(run.job == JobSettingsFacts(executeSteps: ["dbt build"], threads: 4, targetName: "prod", timeoutSeconds: 600))
        #expect(run.overrides == JobSettingsFacts(threads: 8))
    }

    @Test func rejectsWhatIsNotARun() {
        #expect(throws: ArtifactError.self) { try RunFacts.decode(Data()) }
        #expect(throws: ArtifactError.self) { try RunFacts.decode(Data(#"{"status": {}, "data": null}"#.utf8)) }
        #expect(throws: ArtifactError.self) { try RunFacts.decode(Data("[1,2]".utf8)) }
        #expect(throws: ArtifactError.self) { try RunFacts.decode(Data(#"{"data": {"id": "x"}}"#.utf8)) }
    }

    @Test func timestampsAndDurations() {
        #expect(Timestamp.parse("2026-11-28 23:57:06+00:00") == Date(timeIntervalSince1970: 1_795_910_226))
        #expect(Timestamp.parse("2026-11-29T01:57:06+02:00") == Date(timeIntervalSince1970: 1_795_910_226))
        #expect(Timestamp.parse("2026-11-28T23:57:06Z") == Date(timeIntervalSince1970: 1_795_910_226))
        #expect(Timestamp.parse("1969-12-31 23:59:59+00:00") == Date(timeIntervalSince1970: -1))
        for bad in ["", "2026-13-01 00:00:00Z", "2026-11-28", "2026-11-28 23:57:06 UTC", "2026-11-28 23:57:06+0", "２026-11-28 23:57:06Z"] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
        #expect(Timestamp.duration("00:01:50") == 110)
        #expect(Timestamp.duration("27:00:01") == 97_201)
        #expect(Timestamp.duration("1:2") == nil)
        #expect(Timestamp.duration("99999999999999999999:00:00") == nil)
        #expect(Timestamp.duration("-1:00:00") == nil)
    }

    @Test func stepRoles() {
        #expect(StepRole(stepName: "Clone git repository") == .gitClone)
        #expect(StepRole(stepName: "Create profile from connection Snowflake") == .profile)
        #expect(StepRole(stepName: "Invoke dbt with `dbt --warn-error source freshness -s x`").isFreshness)
        #expect(StepRole(stepName: "Invoke dbt with `dbt deps`").isDeps)
        #expect(StepRole(stepName: "Invoke dbt with `dbt docs generate`") == .dbt(subcommand: "docs generate", command: "dbt docs generate"))
        #expect(!StepRole(stepName: "Invoke dbt with `dbt docs generate`").executesNodes)
        #expect(StepRole(stepName: "Something else") == .other)
    }
}

@Suite struct RunStoryJSONTests {
    @Test func aStoryEncodesForOutputJSON() throws {
        let run = try ShapeRun.withPreamble(.error, "dbt build", .error, "multiple_failures/steps/2_build")
        let story = RunStory(run: run, evidence: try ShapeRun.evidence(for: RunStory.evidenceNeeded(for: run), in: "multiple_failures/steps/2_build"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(story)) as? [String: Any])
        #expect(object["verdict"] as? String == "node errors")
        #expect((object["step"] as? [String: Any])?["status"] as? String == "error")
        #expect((object["step"] as? [String: Any])?["log"] == nil, "the log is not repeated in JSON")
        let nodes = try #require(object["nodes"] as? [String: Any])
        let failures = try #require(nodes["failures"] as? [[String: Any]])
        #expect(failures.compactMap { $0["kind"] as? String }.sorted() == ["compilation", "database", "seed", "snapshot", "test failure"])
        let excerpt = try #require(failures.first { $0["kind"] as? String == "database" }?["sql_excerpt"] as? [String: Any])
        #expect(excerpt["reported_line"] as? Int == 24)
        #expect((nodes["skip_groups"] as? [[String: Any]])?.first?["count"] as? Int == 13)
        #expect((object["next_steps"] as? [String])?.first == "failures")
    }
}
