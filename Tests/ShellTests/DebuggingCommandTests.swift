import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// explain, failures of every shape, sql --diff, timeline, bisect, lineage, logs/wait --follow
/// (issue 10) on the sandbox's failure-shape jobs 43201–43211, through the interpreter, with
/// dbt's own error text.
@Suite("Debugging a red job: explain, failures, sql --diff, timeline, bisect, lineage, follow", .sandbox())
struct DebuggingCommandTests {
    /// What each shape's newest run must show, in dbt's (or git's, or dbt Cloud's) own words.
    static let evidence: [String: [String]] = [
        "multiple_failures": ["Binder Error: Referenced column \"gross_order_value_usd\" not found in FROM clause!",
                              "Conversion Error: CSV Error on Line: 57", "'None' has no attribute 'replace'"],
        "freshness_failure": ["Catalog Error: Table with name \"zendesk.tickets\" does not exist because schema \"zendesk\" does not exist.",
                              "erp.inventory_levels"],
        "test_step_failure": ["Catalog Error: Scalar Function with name div0 does not exist!", "Got 641 results, configured to fail if != 0"],
        "compile_error": ["Model 'model.lumen_shop.fct_refunds' (models/marts/finance/fct_refunds.sql) depends on a node named 'stg_refunds' which was not found"],
        "deps_failure": ["Package lumen-labs/dbt_lumen_utils was not found in the package index"],
        "connection_failure": ["IO Error: Cannot open file \"/data/lumen/analytics.duckdb\": No such file or directory"],
        "git_clone_failure": ["fatal: Remote branch release/2026-12 not found in upstream origin"],
        "cancelled": ["cancelled during step 4 `dbt build`"],
        "timed_out": ["This run timed out after running for 600 seconds.", "sql table model intermediate.int_orders_enriched"],
        "running": ["running step 4 `dbt build`"],
        "artifacts_not_saved": ["Binder Error: Referenced column \"gross_order_value_usd\" not found in FROM clause!", "artifacts were not saved"],
    ]

    /// A raw dbt Cloud not-found answer, as the client words it.
    static func saysRawNotFound(_ output: ShellOutput) -> Bool {
        output.stderr.contains("404") || output.stderr.contains("requested resource") || output.stdout.contains("404 ")
    }

    @Test func explainTellsEveryShapeInDbtsWords() async throws {
        try await withShell { shell, _ in
            #expect(Set(DemoWorld.shapeJobs.map(\.shape)) == Set(Self.evidence.keys))
            for job in DemoWorld.shapeJobs {
                let result = await shell.run("explain \(job.runID)")
                #expect(result.status == 0, "\(job.shape): \(result)")
                #expect(result.stdoutLines.first?.hasPrefix("run \(job.runID) · job \(job.jobID) \(job.name) · ") == true, "\(job.shape): \(result)")
                for text in Self.evidence[job.shape] ?? [] {
                    #expect(result.stdout.contains(text), "\(job.shape) should say \(text): \(result)")
                }
                #expect(!Self.saysRawNotFound(result), "\(job.shape): \(result)")
                let json = await shell.run("explain \(job.runID) --json")
                #expect(json.json?["run"]?["id"]?.intValue == job.runID, "\(job.shape): \(json.stdout.prefix(300))")
                #expect(json.json?["story"]?["headline"]?.stringValue?.isEmpty == false)
            }
        }
    }

    @Test func explainSaysWhatChangedSinceTheJobLastPassed() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("explain 959")
            #expect(result.status == 0, "\(result)")
            let out = result.stdout
            #expect(out.contains("step 4 `dbt build` failed: 5 errors (1 database, 1 compilation, 1 seed, 1 snapshot, 1 test failure), 1 warning, 28 skipped"), "\(out)")
            #expect(out.contains("ERROR  model int_customer_order_history · database error"), "\(out)")
            #expect(out.contains("    compiled SQL, line 15 (the warehouse said LINE 24):"), "\(out)")
            #expect(out.contains("      > 15 |     sum(gross_order_value_usd)"), "the line the error names: \(out)")
            #expect(out.contains("    13  int_customer_order_history (error)"), "skips counted by cause: \(out)")
            #expect(out.contains("changed since run 946 passed on 2026-11-15 02:00 (13 runs before this one):"), "\(out)")
            #expect(out.contains("    dbt version  compatible (dbt 1.10.23) → latest (dbt 1.11.16)"), "\(out)")
            #expect(out.contains("    threads      4 → 8"), "\(out)")
            #expect(out.contains("   git log 4d7a7fb..b41e2dc"), "the SHA range: \(out)")
            #expect(out.contains("    failing since run 947"), "\(out)")
            #expect(out.contains("    sql int_customer_order_history --diff 959 "), "next commands name the run: \(out)")
            #expect(out.contains("    lineage int_customer_order_history --run 959 "), "\(out)")

            let json = try #require(await shell.run("explain 959 --output json").json)
            #expect(json["history"]?["last_success_run_id"]?.intValue == 946)
            #expect(json["history"]?["first_failing_run_id"]?.intValue == 947)
            #expect(json["history"]?["runs_since_success"]?.intValue == 13)
            #expect(json["changes"]?.arrayValue?.compactMap { $0["aspect"]?.stringValue } == ["git sha", "dbt version", "threads"])
            #expect(json["next_commands"]?[0]?["command"]?.stringValue == "failures --all 959")
            #expect(json["run"]?["created_at"]?.stringValue?.hasSuffix("Z") == true, "times are ISO 8601: \(json)")

            let inContext = await shell.run("use run 959; explain")
            #expect(inContext.stdout.contains("    sql int_customer_order_history --diff "), "\(inContext)")
            #expect(!inContext.stdout.contains("--run 959"), "the context's run is not repeated: \(inContext)")
        }
    }

    @Test func explainOfAFinishedRunCostsThreeRequestsPlusItsArtifacts() async throws {
        try await SandboxFixture.with(stepSeconds: 0.05) { fixture in
            let shell = fixture.shell()
            let first = await shell.run("explain 959")
            #expect(first.status == 0, "\(first)")
            let requests = shell.requests()
            let artifacts = requests.filter { $0.path.contains("/artifacts/") }
            #expect(requests.count - artifacts.count <= 3, "\(requests.map(\.path))")
            #expect(artifacts.map(\.path).sorted() == ["/api/v2/accounts/43/runs/959/artifacts/manifest.json",
                                                     "/api/v2/accounts/43/runs/959/artifacts/run_results.json"], "\(artifacts.map(\.path))")
            let before = requests.count
            let again = await shell.run("explain 959")
            #expect(again.stdout == first.stdout)
            let second = Array(shell.requests().dropFirst(before))
            #expect(second.filter { $0.path.contains("/artifacts/") }.isEmpty, "artifacts of a finished run come from the disk cache: \(second.map(\.path))")
            #expect(second.count <= 3, "\(second.map(\.path))")
        }
    }

    @Test func failuresOfEveryShape() async throws {
        try await withShell { shell, _ in
            for job in DemoWorld.shapeJobs {
                let result = await shell.run("failures \(job.runID)")
                #expect(result.status == 0, "\(job.shape): \(result)")
                let said = result.stdout + result.stderr
                for text in Self.evidence[job.shape] ?? [] where !(job.shape == "freshness_failure" && text == "erp.inventory_levels") {
                    #expect(said.contains(text), "\(job.shape) should say \(text): \(result)")
                }
                #expect(!Self.saysRawNotFound(result), "\(job.shape): \(result)")
            }
            let freshness = await shell.run("failures 962")
            let row = freshness.stdout.split(separator: "\n").first { $0.hasPrefix("erp.inventory_levels") }.map(String.init) ?? ""
            #expect(row.contains("error") && row.contains("12 hour") && row.contains("36 hour"), "status and criteria of the stale source: \(freshness)")
            let json = await shell.run("failures 964 --json")
            #expect(json.json?["verdict"]?.stringValue == "parse or compile error", "\(json.stdout.prefix(300))")
        }
    }

    @Test func failuresCountsSkipsByCauseAndAllListsThem() async throws {
        try await withShell { shell, _ in
            let counted = await shell.run("failures 959")
            #expect(counted.stdout.contains("SKIPPED  28 nodes, by cause ('failures --all' lists them)"), "\(counted)")
            for line in ["    13  int_customer_order_history (error)", "     6  raw_exchange_rates (error)", "     3  customers_snapshot (error)",
                         "     1  int_customer_order_history (error), raw_exchange_rates (error)"] {
                #expect(counted.stdout.contains(line + "\n"), "\(line): \(counted)")
            }
            #expect(!counted.stdout.contains("customer_cohorts"), "\(counted)")
            let all = await shell.run("failures 959 --all")
            #expect(all.stdout.contains("SKIPPED  28 nodes\n    TYPE "), "\(all)")
            #expect(all.stdoutLines.contains { $0.hasPrefix("    model ") && $0.contains(" customer_cohorts ") && $0.hasSuffix("  int_customer_order_history (error)") }, "\(all)")
            #expect(all.stdoutLines.contains { $0.hasSuffix("  int_customer_order_history (error), raw_exchange_rates (error)") }, "\(all)")
        }
    }

    @Test func noCommandPrintsARawNotFoundForARunThatExists() async throws {
        try await withShell { shell, _ in
            let commands = ["failures", "sql int_customer_order_history", "sql int_customer_order_history --diff", "diff", "artifacts",
                            "artifacts get run_results.json -o -", "artifacts get catalog.json -o -", "catalog show dim_customers",
                            "catalog search customer", "logs --tail 2", "logs --debug --tail 2", "explain", "lineage dim_customers",
                            "timeline int_customer_order_history --last 3"]
            for job in DemoWorld.shapeJobs {
                _ = await shell.run("use run \(job.runID)")
                for command in commands {
                    let result = await shell.run(command)
                    #expect([0, 2, 3].contains(result.status), "\(job.shape) \(command): \(result)")
                    #expect(!Self.saysRawNotFound(result), "\(job.shape) \(command): \(result)")
                    #expect(result.stderrLines.filter { $0.hasPrefix("error:") }.count <= 1, "\(job.shape) \(command): \(result)")
                }
            }
            let parse = await shell.run("use run 964; artifacts get run_results.json -o -")
            #expect(parse.stderrLines == ["error: run 964 has no run_results.json: step 4 `dbt build` failed: dbt stopped before running anything: Model 'model.lumen_shop.fct_refunds' (models/marts/finance/fct_refunds.sql) depends on a node named 'stg_refunds' which was not found; 'explain 964' tells what happened"], "\(parse)")
            let running = await shell.run("sql fct_orders --run 976")
            #expect(running.stderr.contains("it is still running at step 4 `dbt build`, and dbt Cloud serves artifacts when a run ends; 'logs 4 --follow --run 976' meanwhile"), "\(running)")
            let lost = await shell.run("use run 978; failures --step 4")
            #expect(lost.stderr.contains("run 978 has no run_results.json of step 4: dbt Cloud did not save this run's artifacts"), "\(lost)")
            let catalog = await shell.run("catalog show dim_customers --run 959")
            #expect(catalog.stderr.contains("run 959 has no catalog.json: none of its steps writes catalog.json, which comes from `dbt docs generate`"), "\(catalog)")
            let noStep = await shell.run("artifacts --step 9 --run 959")
            #expect(noStep.status == 2 && noStep.stderr.contains("run 959 has no step 9 (it has steps 1–4; see 'steps')"), "\(noStep)")
            let noStepResults = await shell.run("failures 959 --step 9")
            #expect(noStepResults.status == 2 && noStepResults.stderr.contains("run 959 has no step 9 (it has steps 1–4; see 'steps')"), "\(noStepResults)")
        }
    }

    @Test func sqlDiffAgainstTheLastRunWhereTheNodePassed() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("sql int_customer_order_history --diff 959")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines.prefix(2) == ["--- run 946 (int_customer_order_history passed)",
                                                     "+++ run 959 (int_customer_order_history error)"], "\(result)")
            #expect(result.stdout.contains("\n-    sum(order_total_usd)                                 as lifetime_order_value_usd,\n"), "\(result)")
            #expect(result.stdout.contains("\n+    sum(gross_order_value_usd)                           as lifetime_order_value_usd,\n"), "\(result)")
            #expect(result.stderr.contains("run 946 (git 4d7a7fb) → run 959 (git b41e2dc)"), "\(result)")
            #expect(!result.stdout.contains("\u{1B}"), "plain through a pipe")

            let terminal = CapturingConsole(stdoutIsTerminal: true, stderrIsTerminal: true)
            var settings = Settings()
            settings.color = true
            let coloured = try await SandboxFixture.with { fixture in
                await fixture.shell(settings: settings, console: terminal).run("sql int_customer_order_history --diff 959")
            }
            #expect(coloured.stdout.contains("\u{1B}[32m+    sum(gross_order_value_usd)"), "added lines green on a terminal: \(coloured)")
            #expect(coloured.stdout.contains("\u{1B}[31m-    sum(order_total_usd)"), "removed lines red: \(coloured)")

            let passing = await shell.run("sql stg_orders --diff 959")
            #expect(passing.status == 0 && passing.stdout.isEmpty, "\(passing)")
            #expect(passing.stderr.contains("its compiled SQL is the same as in run 946, where it passed"), "\(passing)")
            let both = await shell.run("sql stg_orders 959 --run 958")
            #expect(both.status == 2, "\(both)")
            let never = await shell.run("sql assert_daily_refund_rate_below_20pct --diff 963")
            #expect(never.status == 3 && never.stderr.contains("did not pass in the runs of job 43203 before run 963"), "\(never)")
        }
    }

    @Test func timelineIsNewestFirstWithStatusTimeAndSHA() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use job 43201; timeline int_customer_order_history")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.tableHeader == "RUN  CREATED           RUN STATUS  NODE      TIME  GIT SHA", "\(result)")
            #expect(result.stdout.firstColumn == (940...959).reversed().map(String.init), "\(result)")
            let rows = result.stdout.tableRows
            #expect(rows.count == 20 && rows.prefix(13).allSatisfy { $0.contains("  error    ") }, "\(result)")
            #expect(rows.count == 20 && rows.suffix(7).allSatisfy { $0.contains("  success  ") }, "\(result)")
            #expect(rows.first?.hasSuffix("b41e2dc") == true, "the run's git SHA: \(result)")
            #expect(result.stderrLines == ["int_customer_order_history failed in the last 13 runs that ran it (since run 947); it passed in run 946"], "\(result)")
            let five = await shell.run("timeline int_customer_order_history --last 5 --json")
            let runs = five.json?["runs"]?.arrayValue ?? []
            #expect(runs.compactMap { $0["run_id"]?.intValue } == [959, 958, 957, 956, 955], "\(five.stdout.prefix(400))")
            #expect(runs.first?["status"]?.stringValue == "error")
            #expect(runs.first?["execution_time"]?.doubleValue != nil)
            let shapes = await shell.run("timeline fct_orders --job 43204")
            #expect(shapes.status == 3 && shapes.stderr.contains("has a run_results.json"), "\(shapes)")
            let bad = await shell.run("timeline fct_orders --last 0")
            #expect(bad.status == 2, "\(bad)")
        }
    }

    @Test func bisectOverThirtyRunsReadsAtMostSixRunResults() async throws {
        try await SandboxFixture.with(stepSeconds: 0.05) { fixture in
            let shell = fixture.shell()
            let result = await shell.run("use job 43201; bisect int_customer_order_history")
            #expect(result.status == 0, "\(result)")
            let reads = shell.requests().filter { $0.path.hasSuffix("/artifacts/run_results.json") }
            #expect(reads.count <= 6, "⌈log2 30⌉ + 1: \(reads.map(\.path))")
            #expect(Set(reads.map(\.path)).count == reads.count, "each run's run_results once")
            let out = result.stdout
            #expect(out.hasPrefix("int_customer_order_history started failing in run 947 (\(reads.count) run_results read for 30 runs of job 43201)"), "\(out)")
            #expect(out.contains("  last pass      run 946  2026-11-15 02:00  4d7a7fb  success"), "\(out)")
            #expect(out.contains("  first failure  run 947  2026-11-16 02:00  2834eaf  error"), "\(out)")
            #expect(out.contains("  dbt version  compatible (dbt 1.10.23) → latest (dbt 1.11.16)"), "\(out)")
            #expect(out.contains("\n+    sum(gross_order_value_usd)"), "the compiled SQL diff: \(out)")
            let json = try #require(await shell.run("bisect int_customer_order_history --json").json)
            #expect(json["last_pass"]?["run_id"]?.intValue == 946)
            #expect(json["first_failure"]?["run_id"]?.intValue == 947)
            #expect((json["run_results_read"]?.intValue ?? 99) <= 6)
            let green = await shell.run("bisect stg_orders")
            #expect(green.status == 0 && green.stderr.contains("stg_orders passes in the newest run of job 43201, 959"), "\(green)")
        }
    }

    @Test func lineageMarksStatusesAndCallsOutStaleDashboards() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("lineage int_customer_order_history --run 959")
            #expect(result.status == 0, "\(result)")
            let out = result.stdout
            #expect(out.contains("upstream (1 level): what int_customer_order_history reads from\nint_customer_order_history  model  ✗ error\n└── int_orders_enriched  model  ✓ success"), "\(out)")
            #expect(out.contains("└── dim_customers  model  – skipped\n    ├── crm_customer_sync  exposure  – skipped"), "\(out)")
            #expect(out.contains("dashboard weekly_revenue_dashboard (Weekly Revenue (Finance)) is stale: it depends on int_customer_order_history, which errored in run 959"), "\(out)")
            #expect(out.contains("application crm_customer_sync (CRM customer sync) is stale"), "\(out)")
            let skipped = await shell.run("lineage dim_customers --run 959 --up 0 --json")
            let json = try #require(skipped.json)
            #expect(json["upstream"] == nil || json["upstream"] == .null)
            #expect(json["stale_exposures"]?.arrayValue?.compactMap { $0["because_status"]?.stringValue } == ["skipped", "skipped"], "\(skipped.stdout)")
            let green = await shell.run("lineage stg_orders --run 946 --down 1")
            #expect(green.status == 0 && !green.stdout.contains("stale"), "\(green)")
        }
    }

    @Test func diffSaysWhatChangedBetweenTheRuns() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("diff 946 947")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("\nwhat changed\n  git sha      4d7a7fb → 2834eaf   git log 4d7a7fb..2834eaf\n  dbt version  compatible (dbt 1.10.23) → latest (dbt 1.11.16)\n  threads      4 → 8\n"), "\(result)")
            let sameDay = await shell.run("diff 947 948")
            #expect(sameDay.stdout.contains("\nwhat changed\n  git sha  "), "\(sameDay)")
            #expect(!sameDay.stdout.contains("threads"), "\(sameDay)")
        }
    }

    @Test func theStoryCommandsPrintEveryOutputFormat() async throws {
        try await withShell { shell, _ in
            let csv = await shell.run("use job 43201; timeline int_customer_order_history --last 3 --output csv --fields run_id,status,git_sha")
            #expect(csv.stdout == "run_id,status,git_sha\r\n959,error,b41e2dc1e0cc80cdbad61429b01d1432617b3e92\r\n"
                    + "958,error,1d386058aaf8e0a46e834c52622b5d190fd32a04\r\n957,error,8a77a594b64b490f6e50755ebb6889dad3c747ad\r\n", "\(csv)")
            let jsonl = await shell.run("timeline int_customer_order_history --last 2 --output jsonl --fields run_id,outcome")
            #expect(jsonl.stdoutLines == [#"{"outcome":"failed","run_id":959}"#, #"{"outcome":"failed","run_id":958}"#], "\(jsonl)")
            let explain = await shell.run("explain 959 --json --fields run,changes")
            #expect(explain.json?.objectValue.map { Array($0.keys).sorted() } == ["changes", "run"], "\(explain.stdout.prefix(300))")
            #expect(explain.json?["run"]?["id"]?.intValue == 959)
            let unknown = await shell.run("bisect int_customer_order_history --fields first_fail")
            #expect(unknown.status == 2 && unknown.stderr.contains("bisect: unknown field 'first_fail' (did you mean first_failure?)"), "\(unknown)")
            let markdown = await shell.run("lineage int_customer_order_history --run 959 --output markdown --fields unique_id,status")
            #expect(markdown.stdoutLines == ["| FIELD | VALUE |", "| --- | --- |", "| unique_id | model.lumen_shop.int_customer_order_history |", "| status | error |"],
                    "\(markdown)")
        }
    }

    @Test func useRunLastSuccessAndItsCompletion() async throws {
        try await withShell { shell, _ in
            #expect(await shell.run("use job 43201; use run last-success").status == 0)
            #expect(shell.context.run?.id == 946)
            #expect(await shell.complete("use run last-s").items.map(\.replacement) == ["last-success"])
            #expect(Set(await shell.complete("explain l").items.map(\.replacement)).isSuperset(of: ["latest", "last-failed", "last-success"]))
            let help = await shell.run("help use")
            #expect(help.stdout.contains("'use run last-success'"), "\(help)")
            let none = await shell.run("use job 43203; use run last-success")
            #expect(none.status == 3 && none.stderr.contains("job 43203 has no successful runs yet"), "\(none)")
        }
    }

    @Test func runWaitOnAFailureExplainsOnStderrAndKeepsStdoutClean() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use job 43204; run --wait --interval 50ms")
            #expect(result.status == 1, "\(result)")
            let runID = try #require(shell.context.run?.id)
            #expect(result.stdout.tableRows.count == 1, "stdout: the final run only: \(result)")
            let brief = Array(result.stderrLines.drop { !$0.hasPrefix("run \(runID) ended in error") })
            #expect(brief.first == "run \(runID) ended in error at step 4 (Invoke dbt with `dbt build`): dbt stopped before running anything: Model 'model.lumen_shop.fct_refunds' (models/marts/finance/fct_refunds.sql) depends on a node named 'stg_refunds' which was not found", "\(result)")
            #expect(brief.last == "next: 'explain \(runID)', 'logs 4'", "\(result)")
            let waited = await shell.run("unuse run; wait 962 --interval 50ms")
            #expect(waited.status == 1, "\(waited)")
            #expect(waited.stderrLines.contains { $0.hasPrefix("run 962 ended in error at step 4 (Invoke dbt with `dbt source freshness`): 1 source stale") }, "\(waited)")
            #expect(waited.stderr.contains("  ERROR source erp.inventory_levels"), "\(waited)")
            #expect(waited.stderr.contains("next: 'explain 962', 'logs 4 --run 962'"), "\(waited)")
        }
    }

    @Test func logsFollowPrintsTheRunningLogAsItGrowsUntilCtrlC() async throws {
        try await withShell { shell, _ in
            let task = Task { await shell.run("logs --follow --run 976 --interval 100ms") }
            // The build log grows a line a second: wait for the first lines, then for one more.
            let first = try await Self.awaitLines(in: shell.console, moreThan: 0)
            let grown = try await Self.awaitLines(in: shell.console, moreThan: first)
            task.cancel()
            let result = await task.value
            #expect(grown > first)
            #expect(result.status == 130, "\(result)")
            #expect(result.stderrLines.first == "step 4: Invoke dbt with `dbt build` (running); following its log, Ctrl-C stops following (not the run)", "\(result)")
            #expect(shell.session.interruptionNote == "stopped following; run 976 goes on in dbt Cloud ('cancel 976' cancels it)",
                    "what the shell says after 'interrupted: '")
            #expect(result.stdout.hasPrefix("07:55:50  Running with dbt=1.10.23\n"), "the step log from its start: \(result)")
            #expect(!result.stderr.contains("error:"), "\(result)")
            #expect(shell.requests(method: "POST", pathContains: "/cancel/").isEmpty, "following never cancels the run")
            let show = await shell.run("show run 976 --json")
            #expect(show.json?["status"]?.intValue == 3, "still running: \(show.stdout.prefix(200))")
            let full = await shell.run("logs 4 --run 976")
            #expect(full.stdout.hasPrefix(result.stdout), "the log as it was, each line once, in order")
        }
    }

    @Test func waitFollowFollowsEachStepsLogInTurn() async throws {
        try await SandboxFixture.with(stepSeconds: 0.2) { fixture in
            let shell = fixture.shell()
            let result = await shell.run("use job 43168; run --wait --follow --interval 50ms")
            #expect(result.status == 0, "\(result)")
            let headers = result.stderrLines.filter { $0.hasPrefix("── step ") }
            #expect(headers == ["── step 1: Invoke dbt with `dbt source freshness` ──", "── step 2: Invoke dbt with `dbt build` ──",
                                "── step 3: Invoke dbt with `dbt docs generate` ──"], "\(result)")
            let out = result.stdout
            let freshness = try #require(out.range(of: "START freshness of erp.inventory_levels"), "\(result)")
            let build = try #require(out.range(of: "Done. PASS=91 WARN=0 ERROR=0 SKIP=0 NO-OP=2 TOTAL=93"), "\(result)")
            let docs = try #require(out.range(of: "Catalog written to "), "\(result)")
            #expect(freshness.lowerBound < build.lowerBound && build.lowerBound < docs.lowerBound, "in step order: \(out)")
            #expect(out.components(separatedBy: "Running with dbt=").count - 1 == 3, "each step's log once: \(out)")
            #expect(result.stdout.tableRows.last?.contains("success") == true, "the final run still ends stdout: \(result)")
            #expect(!result.stderr.contains("· step"), "no progress line while following: \(result)")

            let failing = await shell.run("use job 43201; run --follow --interval 50ms")
            #expect(failing.status == 1, "\(failing)")
            #expect(failing.stdout.contains("Done. PASS=69 WARN=1 ERROR=5 SKIP=28 NO-OP=0 TOTAL=103"), "\(failing)")
            #expect(failing.stderr.contains("ended in error at step 4 (Invoke dbt with `dbt build`): 5 errors"), "\(failing)")
        }
    }

    /// Polls the console until stdout has more than `count` lines (the log grows by itself).
    static func awaitLines(in console: CapturingConsole, moreThan count: Int, within seconds: Double = 20) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let lines = console.stdout.split(separator: "\n").count
            if lines > count { return lines }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("stdout never grew past \(count) lines: \(console.stdout.suffix(300))")
        return count
    }
}
