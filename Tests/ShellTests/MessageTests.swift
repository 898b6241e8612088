import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// What the shell says (issue 15.6): Ctrl-C during a wait, `clear`, `help job`, `jobs --status`.
@Suite("Messages", .sandbox())
struct MessageTests {
    @Test("Ctrl-C during run --wait says the run goes on and how to cancel it")
    func interruptingAWaitSaysTheRunGoesOn() async throws {
        try await SandboxFixture.with(stepSeconds: 5) { fixture in
            let shell = fixture.shell(interactive: true)
            #expect(await shell.run("use job 43168").status == 0)
            let driver = ShellDriver(interpreter: shell.interpreter)
            let waiting = Task { await driver.run("run --wait") }
            var runID: Int?
            for _ in 0..<600 where runID == nil {
                try await Task.sleep(for: .milliseconds(50))
                runID = shell.context.run?.id
            }
            let id = try #require(runID, "the run was triggered")
            waiting.cancel()  // what Ctrl-C does to the command's task
            _ = await waiting.value
            #expect(driver.interruptionMessage()
                    == "interrupted: stopped waiting; run \(id) goes on in dbt Cloud ('cancel \(id)' cancels it, 'wait \(id)' waits again)")
            #expect(driver.interruptionMessage() == "interrupted", "said once")
            let run = await shell.run("show run \(id) --json")
            #expect(run.json?["status"]?.intValue != 30, "the run was not cancelled: \(run)")
            #expect(await shell.run("cancel \(id)").status == 0)
        }
    }

    @Test func aWaitThatEndsLeavesNothingToSayOnALaterControlC() async throws {
        try await SandboxFixture.with(stepSeconds: 0.02) { fixture in
            let shell = fixture.shell(interactive: true)
            let driver = ShellDriver(interpreter: shell.interpreter)
            #expect(await driver.run("use job 43168; run --wait --interval 1s") == .proceed)
            #expect(driver.interruptionMessage() == "interrupted")
        }
    }

    @Test func clearClearsATerminalOnly() async throws {
        try await SandboxFixture.with { fixture in
            let terminal = fixture.shell(console: CapturingConsole(stdoutIsTerminal: true, width: 80))
            let cleared = await terminal.run("clear")
            #expect(cleared.status == 0)
            #expect(cleared.stdout == "\u{0C}", "the console's clear-screen, not raw escapes: \(cleared.stdout.debugDescription)")
            let piped = await fixture.shell().run("clear")
            #expect(piped.status == 0)
            #expect(piped.stdout.isEmpty)
        }
    }

    @Test func helpOfAGroupListsItsCommandsWithTheirSummaries() async throws {
        try await withShell { shell, _ in
            let help = await shell.run("help job")
            #expect(help.status == 0, "\(help)")
            let group = CommandRegistry.standard.specs.filter { $0.name.hasPrefix("job ") }
            #expect(group.count >= 5)
            for spec in group {
                #expect(help.stdoutLines.contains { $0.contains(spec.name) && $0.hasSuffix(spec.summary) }, "\(spec.name) in \(help)")
            }
            #expect(help.stdoutLines.last == "'help job VERB' or 'job VERB --help' for details.")
        }
    }

    @Test func jobsFilterByTheirLastRunsStatus() async throws {
        try await withShell { shell, _ in
            let all = try #require(await shell.run("jobs --json").json?.arrayValue)
            func ids(lastFinished status: Int) -> [String] {
                all.filter { $0["most_recent_completed_run"]?["status"]?.intValue == status }.compactMap { $0["id"]?.intValue }.map(String.init)
            }
            let failing = await shell.run("jobs --status error")
            #expect(failing.status == 0, "\(failing)")
            #expect(failing.stdout.firstColumn == ids(lastFinished: 20), "\(failing)")
            #expect(failing.stdout.firstColumn.contains("43167") && !failing.stdout.firstColumn.contains("43168"), "\(failing)")
            let either = await shell.run("jobs --status error,cancelled --json")
            #expect(either.json?.arrayValue?.count == ids(lastFinished: 20).count + ids(lastFinished: 30).count, "\(either)")
            let running = try #require(await shell.run("jobs --status running --json").json?.arrayValue)
            #expect(running.allSatisfy { $0["most_recent_run"]?["status"]?.intValue == 3 }, "\(running)")
            let bad = await shell.run("jobs --status broken")
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("unknown status 'broken'"), "\(bad)")
        }
    }
}
