import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// What a user sees when dbt Cloud is slow, flaky or broken, and when a command is interrupted.
/// Each test has its own sandbox: fault rules apply to the whole server.
@Suite("Faults, timeouts and interrupts")
struct RobustnessTests {
    @Test func waitRidesOutAnOutageOfTheRunEndpoint() async throws {
        try await SandboxFixture.with(stepSeconds: 0.05) { fixture in
            let shell = fixture.shell()
            let started = await shell.run("use job 43168; run")
            let runID = try #require(shell.context.run?.id, "\(started)")
            // More failures than the client retries (3 attempts): one poll fails outright.
            fixture.server.faults.add(FaultRule(.serverError(status: 503), times: 4, method: "GET", pathContains: "/runs/\(runID)/"))
            let result = await shell.run("wait --interval 50ms")
            #expect(result.status == 0, "a passing outage does not end the wait: \(result)")
            #expect(result.stderr.contains("still waiting"), "\(result)")
            #expect(result.stdout.tableRows.count == 1, "\(result)")
        }
    }

    @Test func listingsRetryTooManyRequests() async throws {
        try await SandboxFixture.with(stepSeconds: 0.05) { fixture in
            let shell = fixture.shell()
            fixture.server.faults.add(FaultRule(.tooManyRequests(retryAfterSeconds: 0), times: 2, method: "GET", pathContains: "/jobs/"))
            let result = await shell.run("jobs")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.tableRows.count == 141)
        }
    }

    @Test func brokenResponsesAreOneLineErrors() async throws {
        try await SandboxFixture.with(stepSeconds: 0.05) { fixture in
            let shell = fixture.shell()
            fixture.server.faults.add(FaultRule(.htmlBadGateway, method: "GET", pathContains: "/jobs/43167/"))
            let gateway = await shell.run("show job 43167")
            #expect(gateway.status == 5, "a 502 after retries is exit 5: \(gateway)")
            #expect(gateway.stderrLines.count == 1, "one line, not the proxy's page: \(gateway)")
            #expect(!gateway.stderr.lowercased().contains("<html"), "\(gateway)")
            #expect(gateway.stdout.isEmpty)
            fixture.server.faults.clear()

            fixture.server.faults.add(FaultRule(.truncatedJSON, method: "GET", pathContains: "/jobs/43168/"))
            let truncated = await shell.run("show job 43168")
            #expect(truncated.status == 5, "an unreadable answer is exit 5: \(truncated)")
            #expect(truncated.stderrLines.count == 1, "\(truncated)")
            #expect(truncated.stdout.isEmpty)
        }
    }

    @Test func aTriggerIsNeverSentTwice() async throws {
        try await SandboxFixture.with(stepSeconds: 0.05) { fixture in
            let shell = fixture.shell()
            fixture.server.faults.add(FaultRule(.connectionReset, times: 1, method: "POST", pathContains: "/run/"))
            let result = await shell.run("use job 43168; run")
            #expect(result.status == 5, "the answer was lost: \(result)")
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(shell.requests(method: "POST", pathContains: "/jobs/43168/run/").count == 1,
                    "a trigger whose answer was lost must not be repeated (it may have started a run)")
        }
    }

    @Test func waitTimeoutHoldsEvenWhenDbtCloudIsSlow() async throws {
        try await SandboxFixture.with(stepSeconds: 30) { fixture in
            let shell = fixture.shell()
            _ = await shell.run("use job 43168; run")
            let runID = try #require(shell.context.run?.id)
            fixture.server.faults.add(FaultRule(.slow(seconds: 60), method: "GET", pathContains: "/runs/\(runID)/"))
            let clock = ContinuousClock()
            var result = ShellOutput(stdout: "", stderr: "", status: -1)
            let elapsed = await clock.measure { result = await shell.run("wait --timeout 500ms --interval 50ms") }
            #expect(result.status == 6, "\(result)")
            // Time is the behaviour here: --timeout must not wait for the server's 60 s answer. The
            // bound is half of that, far above 500 ms, so a loaded machine cannot make it fail.
            #expect(elapsed < .seconds(30), "--timeout 500ms waited for the slow answer: \(elapsed)")
            fixture.server.faults.clear()
            _ = await shell.run("cancel \(runID)")
        }
    }

    @Test func interruptingAWaitEndsItWith130() async throws {
        try await SandboxFixture.with(stepSeconds: 10) { fixture in
            let shell = fixture.shell()
            _ = await shell.run("use job 43168; run")
            let runID = try #require(shell.context.run?.id)
            let polledBefore = shell.requests(method: "GET", pathContains: "/runs/\(runID)/").count
            let task = Task { await shell.run("wait --interval 50ms\nset output json") }
            // Ctrl-C once the wait is polling the run (its first request arrived).
            while shell.requests(method: "GET", pathContains: "/runs/\(runID)/").count == polledBefore {
                try await Task.sleep(for: .milliseconds(10))
            }
            task.cancel()
            let result = await task.value
            // 130, not the run's own end: its steps take 10 s each, so it is still running (checked below).
            #expect(result.status == 130, "\(result)")
            // The read-eval-print loop says "interrupted" once; the interpreter adds no error line.
            #expect(!result.stderr.contains("error:"), "\(result)")
            #expect(shell.session.settings.output == .table, "a script stops after an interrupt")
            // The run goes on in dbt Cloud: interrupting a wait does not cancel it.
            #expect(shell.requests(method: "POST", pathContains: "/cancel/").isEmpty)
            let show = await shell.run("show run \(runID) --json")
            #expect(show.json?["status"]?.intValue != 30, "\(show)")
            _ = await shell.run("cancel")
        }
    }
}
