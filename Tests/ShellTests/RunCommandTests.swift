import DbtCloud
import Foundation
import Sandbox
@testable import Shell
import Testing

/// Triggering, waiting, cancelling and retrying runs (SHELL.md §4 Runs, §5 exit codes).
/// Serialized: these tests change the sandbox and read its request log.
@Suite("Runs: trigger, wait, cancel, retry", .serialized, .sandbox(stepSeconds: 0.05))
struct RunCommandTests {
    @Test func runWaitOnTheFailingJobExits1() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use job 43167\nrun --wait --interval 50ms")
            #expect(result.status == 1, "\(result)")
            let runID = try #require(shell.context.run?.id)
            #expect(runID >= 100_000)
            #expect(shell.context.job?.id == 43167)
            #expect(shell.context.run?.name == "error", "the context remembers how the run ended")
            // stdout: the final run, and nothing else.
            let rows = result.stdout.tableRows
            #expect(result.stdout.tableHeader == "ID    JOB  STATUS  DURATION  MESSAGE", "\(result)")
            #expect(rows.count == 1, "\(result)")
            let cells = rows.first?.split(separator: " ").map(String.init) ?? []
            #expect(cells.prefix(3) == [String(runID), "43167", "error"], "\(result)")
            // stderr: what was triggered, progress, and where it failed.
            let progress = result.stderrLines.filter { $0.hasPrefix("run \(runID): ") }
            #expect(progress.count >= 1, "progress on stderr: \(result)")
            #expect(result.stderrLines.first?.hasPrefix("triggered run \(runID) of job 43167") == true, "\(result)")
            // stderr ends with a short explanation: where, the errors, what to type next.
            let brief = Array(result.stderrLines.drop { !$0.hasPrefix("run \(runID) ended in error") })
            #expect(brief.first?.hasPrefix("run \(runID) ended in error at step 2 (Invoke dbt with `dbt build`): 2 errors (1 database, 1 test failure), 1 warning, 14 skipped") == true, "\(result)")
            #expect(brief.contains("  ERROR model int_customer_order_history: Binder Error: Referenced column \"gross_order_value_usd\" not found in FROM clause!"), "\(result)")
            #expect(brief.contains("  FAIL test unique_fct_daily_revenue_revenue_date: Got 574 results, configured to fail if != 0"), "\(result)")
            #expect(brief.last == "next: 'explain \(runID)', 'failures --all', 'sql int_customer_order_history'", "\(result)")
            #expect(!result.stdout.contains("triggered"), "status lines stay off stdout")
        }
    }

    @Test func runWaitShowsEachStepOnStderr() async throws {
        // Slow enough (1 s a phase) for the 50 ms polls to see every phase.
        try await SandboxFixture.with(stepSeconds: 1.0) { fixture in
            let shell = fixture.shell()
            let result = await shell.run("use job 43168; run --wait --interval 50ms")
            #expect(result.status == 0, "\(result)")
            let runID = try #require(shell.context.run?.id)
            let progress = result.stderrLines.filter { $0.hasPrefix("run \(runID): ") }
            #expect(progress.count >= 4, "one line per change: \(result)")
            #expect(progress.first?.hasPrefix("run \(runID): queued") == true || progress.first?.hasPrefix("run \(runID): starting") == true,
                    "\(result)")
            #expect(progress.contains { $0.contains("running") && $0.contains("dbt source freshness") }, "\(result)")
            #expect(progress.contains { $0.contains("running") && $0.contains("dbt build") }, "\(result)")
            #expect(progress.last?.hasPrefix("run \(runID): success") == true, "\(result)")
            #expect(Set(progress).count == progress.count, "no line repeated while nothing changes")
            #expect(result.stdout.tableRows.count == 1, "stdout has only the final run: \(result)")
        }
    }

    @Test func runWaitOnTheSucceedingJobExits0() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use job 'Hourly refresh'; run --wait --interval 50ms")
            #expect(result.status == 0, "\(result)")
            let runID = try #require(shell.context.run?.id)
            #expect(result.stdout.firstColumn == [String(runID)], "\(result)")
            #expect(result.stdout.contains("success"))
            #expect(result.stderr.contains("triggered run \(runID) of job 43168"), "\(result)")
            #expect(!result.stderr.contains("error"), "\(result)")
            #expect(shell.session.prompt.hasSuffix("job 43168 run \(runID) > "))
        }
    }

    @Test func runWaitJSONPrintsTheFinalRunObject() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("run --job 43168 --wait --interval 50ms --json")
            #expect(result.status == 0, "\(result)")
            let run = try #require(result.json, "\(result)")
            #expect(run["status"]?.intValue == 10)
            #expect(run["job_definition_id"]?.intValue == 43168)
            #expect(run["id"]?.intValue == shell.context.run?.id)
            #expect(shell.context.job?.id == 43168, "--job moves the context to that job")
            #expect(shell.context.project?.id == 100)
        }
    }

    @Test func setIntervalIsUsedWhenNoIntervalFlag() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set interval 50ms; use job 43168; run --wait")
            #expect(result.status == 0, "\(result)")
            // run --wait polls at the session's interval unless --interval says otherwise.
            let byDefault = try RunCommand.parse(["--wait"]).waiting.timing(in: shell.session)
            let byFlag = try RunCommand.parse(["--wait", "--interval", "2s"]).waiting.timing(in: shell.session)
            #expect(byDefault.interval == 0.05)
            #expect(byFlag.interval == 2)
        }
    }

    @Test func runWithoutWaitPrintsTheQueuedRun() async throws {
        try await withShell { shell, fixture in
            let result = await shell.run("""
            use job 43168
            run --cause 'from the shell tests' --git-branch feature/x --threads 8 --target ci --steps 'dbt build -s stg_orders' --steps 'dbt test'
            """)
            #expect(result.status == 0, "\(result)")
            let runID = try #require(shell.context.run?.id)
            #expect(result.stdout.firstColumn == [String(runID)], "\(result)")
            let posts = shell.requests(method: "POST", pathContains: "/run/")
            #expect(posts.count == 1)
            let body = try #require(posts.first?.body.flatMap { try? JSONValue(parsing: $0) })
            #expect(body["cause"]?.stringValue == "from the shell tests")
            #expect(body["git_branch"]?.stringValue == "feature/x")
            #expect(body["threads_override"]?.intValue == 8)
            #expect(body["target_name_override"]?.stringValue == "ci")
            #expect(body["steps_override"] == .array([.string("dbt build -s stg_orders"), .string("dbt test")]))
            let waited = await shell.run("wait --interval 50ms")
            #expect(waited.status == 0, "\(waited)")
        }
    }

    @Test func runOverridesReachTheTrigger() async throws {
        try await withShell { shell, fixture in
            let result = await shell.run("""
            run --job 43168 --git-sha abc1234 --schema-override dbt_test --dbt-version 1.11.0 --generate-docs --run-timeout 600
            """)
            #expect(result.status == 0, "\(result)")
            let body = try #require(shell.requests(method: "POST", pathContains: "/jobs/43168/run/").first?.body
                .flatMap { try? JSONValue(parsing: $0) })
            #expect(body["git_sha"]?.stringValue == "abc1234")
            #expect(body["schema_override"]?.stringValue == "dbt_test")
            #expect(body["dbt_version_override"]?.stringValue == "1.11.0")
            #expect(body["generate_docs_override"]?.boolValue == true)
            #expect(body["timeout_seconds_override"]?.intValue == 600)
            #expect(body["cause"]?.stringValue == "Triggered from dbtsh", "a default cause")
            _ = await shell.run("wait --interval 50ms")
        }
    }

    @Test func runRejectsStepsThatAreNotDbtCommands() async throws {
        try await withShell { shell, fixture in
            let result = await shell.run("use job 43168; run --steps 'rm -rf /'")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("dbt command"), "\(result)")
            #expect(shell.requests(method: "POST").isEmpty)
            let threads = await shell.run("run --threads many")
            #expect(threads.status == 2)
            #expect(shell.requests(method: "POST").isEmpty)
        }
    }

    @Test func readonlyRefusesEveryChangeAndSendsNothing() async throws {
        try await withShell { shell, fixture in
            _ = await shell.run("use job 43167")
            for line in ["run", "run --wait", "run --job 43168", "cancel 902", "retry 902", "retry"] {
                let result = await shell.run("set readonly on; " + line)
                #expect(result.status == 2, "\(line): \(result)")
                #expect(result.stderrLines.count == 1, "\(line): \(result)")
                #expect(result.stderr.contains("read-only"), "\(line): \(result)")
                #expect(result.stdout.isEmpty)
            }
            #expect(shell.requests(method: "POST").isEmpty, "no POST under readonly")
            #expect(shell.context.run == nil)
            // Reading still works.
            let runs = await shell.run("runs")
            #expect(runs.status == 0)
            let off = await shell.run("set readonly off; run --wait --interval 50ms")
            #expect(off.status == 1, "\(off)")
        }
    }

    @Test func readonlyFromTheStartingSettings() async throws {
        try await SandboxFixture.with { fixture in
            var settings = Settings()
            settings.fixReadonly()
            let shell = fixture.shell(settings: settings)
            let before = shell.requests(method: "POST").count
            let result = await shell.run("run --job 43168")
            #expect(result.status == 2, "\(result)")
            #expect(shell.requests(method: "POST").count == before)
        }
    }

    @Test func waitOnFinishedRunsGivesTheirExitCodes() async throws {
        try await withShell { shell, _ in
            for (run, status, status_name) in [(902, Int32(1), "error"), (901, Int32(0), "success"), (912, Int32(7), "cancelled")] {
                let result = await shell.run("wait \(run) --interval 50ms")
                #expect(result.status == status, "wait \(run): \(result)")
                #expect(result.stdout.tableRows.first?.contains(status_name) == true, "\(result)")
            }
            let cancelled = await shell.run("wait 912")
            #expect(cancelled.stderr.contains("run 912 was cancelled"), "\(cancelled)")
            let context = await shell.run("use run 902; wait")
            #expect(context.status == 1)
            let latest = await shell.run("use job 43168; wait latest --json --interval 50ms")
            #expect(latest.json?["id"]?.intValue ?? 0 >= 913, "\(latest)")
        }
    }

    @Test func waitBadDurations() async throws {
        try await withShell { shell, _ in
            for line in ["wait 902 --timeout soon", "wait 902 --interval 0", "wait 902 --timeout -1s"] {
                let result = await shell.run(line)
                #expect(result.status == 2, "\(line): \(result)")
                #expect(result.stderrLines.count == 1, "\(line): \(result)")
            }
        }
    }

    @Test func retryOfAFailedRun() async throws {
        try await withShell { shell, fixture in
            let result = await shell.run("use job 43168; retry 902")
            #expect(result.status == 0, "\(result)")
            let runID = try #require(shell.context.run?.id)
            #expect(runID >= 100_000)
            #expect(result.stderr.contains("retrying run 902 as run \(runID)"), "\(result)")
            #expect(result.stdout.firstColumn == [String(runID)], "\(result)")
            let posts = shell.requests(method: "POST", pathContains: "/runs/902/retry")
            #expect(posts.count == 1)
            let waited = await shell.run("wait --interval 50ms")
            #expect(waited.status == 1, "the failure fixtures fail again: \(waited)")

            let again = await shell.run("set interval 50ms; use run 902; retry --wait")
            #expect(again.status == 1, "retry --wait waits: \(again)")
        }
    }

    @Test func retryWaitTakesTheWaitOptions() async throws {
        try await withShell { shell, fixture in
            let result = await shell.run("use job 43168; retry 902 --wait --timeout 5m --interval 50ms")
            #expect(result.status == 1, "the retried run fails again and retry --wait says so: \(result)")
            #expect(result.stderr.contains("ended in error"), "\(result)")
            let bad = await shell.run("retry 902 --wait --timeout soon")
            #expect(bad.status == 2, "\(bad)")
            #expect(bad.stderrLines == ["error: retry: --timeout expects a duration above zero such as 90s, 500ms or 10m, not 'soon'"], "\(bad)")
        }
    }

    @Test func retryMovesTheContextToTheRunsJob() async throws {
        try await withShell { shell, _ in
            // SHELL.md §3: setting a run also sets its job. A retried run of job 43167 must not
            // sit under job 43168 in the context (the prompt would say `job 43168 run N`).
            let result = await shell.run("use job 43168; retry 902")
            #expect(result.status == 0, "\(result)")
            #expect(shell.context.job?.id == 43167, "context: \(shell.context)")
            _ = await shell.run("wait --interval 50ms")
        }
    }

    @Test func retryOfASuccessfulRunIsRefused() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("retry 901")
            #expect(result.status == 3, "\(result)")
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(result.stderr.contains("cannot be retried"), "\(result)")
        }
    }

    @Test func cancelOfAFinishedRunSaysSo() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("cancel 902")
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.contains("run 902 had already ended: error"), "\(result)")
            #expect(result.stdout.firstColumn == ["902"])
        }
    }

    @Test func readOnlyTokenGets403AsExit4() async throws {
        let fixture = try await SandboxFixture.start(token: DemoWorld.readOnlyToken)
        let shell = fixture.shell()
        let result = await shell.run("use job 43167; run")
        #expect(result.status == 4, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderr.contains("403"), "\(result)")
        #expect(!result.stderr.contains(DemoWorld.readOnlyToken))
        let reads = await shell.run("runs")
        #expect(reads.status == 0, "the token may read: \(reads)")
        await fixture.stop()
    }

    @Test func badTokenIsExit4() async throws {
        let fixture = try await SandboxFixture.start(token: "dbtc_not-a-valid-token")
        let shell = fixture.shell()
        let result = await shell.run("jobs")
        #expect(result.status == 4, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(!result.stderr.contains("not-a-valid-token"), "\(result)")
        await fixture.stop()
    }
}

/// Runs that take long enough to time out or cancel (each phase 5 s in this sandbox).
@Suite("Runs: timeouts and cancellation", .sandbox(stepSeconds: 5))
struct SlowRunTests {
    @Test func waitTimeoutExits6() async throws {
        try await withShell { shell, _ in
            let started = await shell.run("use job 43168; run")
            #expect(started.status == 0, "\(started)")
            let runID = try #require(shell.context.run?.id)
            // Each phase takes 5 s, so the run is still queued or running: only --timeout can end the wait.
            let result = await shell.run("wait --timeout 0.1s --interval 50ms")
            #expect(result.status == 6, "\(result)")
            #expect(result.stdout.isEmpty, "no final run to print: \(result)")
            #expect(result.stderr.contains("run \(runID) still not finished after 100ms"), "\(result)")
            let trigger = await shell.run("run --wait --timeout 100ms --interval 50ms")
            #expect(trigger.status == 6, "\(trigger)")
            let triggeredID = try #require(shell.context.run?.id)
            let retry = await shell.run("retry 902 --wait --timeout 100ms --interval 50ms")
            #expect(retry.status == 6, "retry --wait stops waiting at --timeout: \(retry)")
            #expect(retry.stderr.contains("still not finished after 100ms"), "\(retry)")
            // Leave nothing running behind.
            _ = await shell.run("cancel \(runID); cancel \(triggeredID); cancel")
        }
    }

    @Test func cancelThenWaitExits7() async throws {
        try await withShell { shell, _ in
            _ = await shell.run("use job 43168; run")
            let runID = try #require(shell.context.run?.id)
            let cancelled = await shell.run("cancel")
            #expect(cancelled.status == 0, "\(cancelled)")
            #expect(cancelled.stdout.tableRows.first?.contains("cancelled") == true, "\(cancelled)")
            #expect(!cancelled.stderr.contains("already ended"), "\(cancelled)")
            let waited = await shell.run("wait --interval 50ms")
            #expect(waited.status == 7, "\(waited)")
            #expect(waited.stderr.contains("run \(runID) was cancelled"), "\(waited)")
            let show = await shell.run("show run \(runID) --json")
            #expect(show.json?["status"]?.intValue == 30, "\(show)")
        }
    }

    @Test func runWaitCancelledElsewhereExits7() async throws {
        try await withShell { shell, fixture in
            _ = await shell.run("use job 43168")
            async let waiting = shell.run("run --wait --interval 50ms")
            // The event: run --wait has triggered its run and put it in context (awaited up to a
            // minute: a loaded machine delays it, nothing else does).
            var runID: Int?
            for _ in 0..<3_000 where runID == nil {
                runID = shell.context.run?.id
                if runID == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            let id = try #require(runID, "run --wait put the new run in context")
            _ = try await fixture.client.cancelRun(accountID: 43, id: id)
            let result = await waiting
            #expect(result.status == 7, "\(result)")
            #expect(result.stderr.contains("run \(id) was cancelled"), "\(result)")
            #expect(result.stdout.tableRows.first?.contains("cancelled") == true, "\(result)")
        }
    }
}
