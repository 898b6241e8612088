import Foundation
import Sandbox
import Shell
import Testing

/// Unknown verbs and flags, errexit, help (SHELL.md §2, §5).
@Suite("Grammar, errexit and help", .sandbox())
struct GrammarTests {
    @Test func unknownVerbSuggestsTheNearest() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("jbos")
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderrLines == ["error: unknown command 'jbos' (did you mean jobs?); type 'help' for the list"], "\(result)")

            let prefix = await shell.run("conte")
            #expect(prefix.status == 2)
            #expect(prefix.stderr.contains("did you mean context?"), "\(prefix)")

            let far = await shell.run("xyzzyplugh")
            #expect(far.status == 2)
            #expect(!far.stderr.contains("did you mean"), "\(far)")
            #expect(far.stderr.contains("unknown command 'xyzzyplugh'"), "\(far)")
        }
    }

    @Test func errexitStopsAScriptAtTheFirstFailure() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("""
            set interval 7s
            jbos
            set output json
            set interval
            """)
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty, "nothing after the failure runs: \(result)")
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(shell.session.settings.output == .table)
            #expect(shell.session.settings.interval == 7)
        }
    }

    @Test func errexitStopsTheRestOfTheLineToo() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("jbos; set output json")
            #expect(result.status == 2)
            #expect(shell.session.settings.output == .table)
        }
    }

    @Test func errexitOffGoesOnAndEndsWithTheLastStatus() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("""
            set errexit off
            jbos
            use job 99999999
            set output json
            set output
            """)
            #expect(result.status == 0, "the last command succeeded: \(result)")
            #expect(result.stdoutLines == ["output: json"], "\(result)")
            #expect(result.stderrLines.count == 2, "one line per failure: \(result)")
            #expect(result.stderrLines.allSatisfy { $0.hasPrefix("error: ") }, "\(result)")

            let lastFails = await shell.run("set output table\njbos")
            #expect(lastFails.status == 2, "a script ends with its last command's status: \(lastFails)")
        }
    }

    @Test func interactiveSessionsNeverStopOnErrors() async throws {
        try await SandboxFixture.with { fixture in
            let shell = fixture.shell(interactive: true)
            let result = await shell.run("jbos\nset output json\nset output")
            #expect(result.stdoutLines == ["output: json"], "\(result)")
            #expect(result.status == 0, "an interactive shell ends with 0 at end of input: \(result)")
        }
    }

    @Test func exitStopsTheScriptWithItsStatus() async throws {
        try await withShell { shell, fixture in
            let result = await shell.run("exit 3\nset output json")
            #expect(result.status == 3)
            #expect(shell.session.settings.output == .table)

            let bad = await fixture.shell().run("exit banana")
            #expect(bad.status == 2, "\(bad)")
        }
    }

    @Test func unknownFlagSuggestsTheNearest() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("jobs --nmae nightly")
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderrLines == ["error: jobs: unknown option --nmae (did you mean --name?); see 'jobs --help'"], "\(result)")

            let status = await shell.run("runs --stauts error")
            #expect(status.status == 2)
            #expect(status.stderr.contains("did you mean --status?"), "\(status)")

            let short = await shell.run("runs -z")
            #expect(short.status == 2)
            #expect(short.stderr.contains("unknown option -z"), "\(short)")
        }
    }

    @Test func badArgumentsAreUsageErrors() async throws {
        try await withShell { shell, _ in
            for line in ["use job", "use", "set output json extra", "runs --limit", "runs --limit many",
                         "context --output yaml", "jobs --name a --name b", "context --json=yes"] {
                let result = await shell.run(line)
                #expect(result.status == 2, "\(line): \(result)")
                #expect(result.stderrLines.count == 1, "\(line): \(result)")
                #expect(result.stderr.hasPrefix("error: "), "\(line): \(result)")
            }
            let choice = await shell.run("context --output yaml")
            #expect(choice.stderr.contains("table, json"), "\(choice)")
        }
    }

    @Test func exitInTheMiddleOfALine() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set interval 9s; exit 4; set output json")
            #expect(result.status == 4)
            #expect(shell.session.settings.interval == 9)
            #expect(shell.session.settings.output == .table)
        }
    }

    @Test func aVerbOfTwoWordCommandsAloneListsThem() async throws {
        try await withShell { shell, _ in
            for (verb, subverbs) in [("catalog", ["catalog browse", "catalog show", "catalog search"]),
                                     ("job", ["job export", "job import"])] {
                let help = await shell.run("help \(verb)")
                #expect(help.status == 0, "\(help)")
                for name in subverbs { #expect(help.stdout.contains(name), "help \(verb) lists \(name): \(help)") }
                let alone = await shell.run(verb)
                #expect(alone.status == 2, "\(alone)")
                #expect(!alone.stderr.contains("did you mean \(verb)?"), "suggests the very word typed: \(alone)")
                #expect(subverbs.allSatisfy { alone.stderr.contains($0) }, "names the commands that start with it: \(alone)")
            }
        }
    }

    @Test func helpListsEveryCommand() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("help")
            #expect(result.status == 0)
            #expect(result.stderr.isEmpty)
            for verb in ["use", "unuse", "context", "accounts", "projects", "environments", "jobs", "runs", "show",
                         "run", "wait", "cancel", "retry", "set", "history", "help", "exit"] {
                #expect(result.stdout.contains("\n  \(verb) "), "help lists \(verb)")
            }
            for spec in CommandRegistry.standard.specs {
                #expect(result.stdout.contains(spec.summary), "help shows the summary of \(spec.name)")
            }
        }
    }

    @Test func helpVerbAndVerbDashHelpAgree() async throws {
        try await withShell { shell, fixture in
            let help = await shell.run("help run")
            #expect(help.status == 0)
            #expect(help.stdout.hasPrefix("usage: run "), "\(help)")
            for flag in ["--wait", "--cause", "--git-branch", "--steps", "--job", "--timeout", "--json", "--help"] {
                #expect(help.stdout.contains(flag), "help run documents \(flag)")
            }
            let dashHelp = await shell.run("run --help")
            #expect(dashHelp.status == 0)
            #expect(dashHelp.stdout == help.stdout)
            let short = await shell.run("run -h")
            #expect(short.stdout == help.stdout)
            #expect(shell.requests(method: "POST").isEmpty, "--help must not trigger anything")
            // --help wins even with missing arguments.
            let useHelp = await shell.run("use --help")
            #expect(useHelp.status == 0)
            #expect(useHelp.stdout.hasPrefix("usage: use LEVEL ID|NAME"), "\(useHelp)")
        }
    }

    @Test func helpOfUnknownVerb() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("help jbos")
            #expect(result.status == 2)
            #expect(result.stderr.contains("did you mean jobs?"), "\(result)")
        }
    }

    @Test func helpDocumentsEveryRegisteredCommand() async throws {
        try await withShell { shell, _ in
            for spec in CommandRegistry.standard.specs {
                let result = await shell.run("help \(spec.name)")
                #expect(result.status == 0, "help \(spec.name): \(result)")
                #expect(result.stdout.hasPrefix("usage: \(spec.name)"), "help \(spec.name): \(result)")
            }
        }
    }
}
