import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// history, exit/quit, aliases, and what may reach the history file.
@Suite("Session commands", .sandbox())
struct SessionCommandTests {
    @Test func historyReadsLibeditsFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-history-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: file) }
        try "_HiStOrY_V2_\nuse\\040job\\04043167\nruns\\040--status\\040error\njobs\n".write(to: file, atomically: true, encoding: .utf8)
        try await SandboxFixture.with { fixture in
            let console = CapturingConsole()
            var context = ShellContext()
            context.account = .init(id: 43)
            let session = Session(console: Console(console), interactive: true, context: context, historyFile: file,
                                  services: Services(client: fixture.client))
            let interpreter = Interpreter(session: session)
            #expect(await interpreter.execute("history") == 0)
            #expect(console.stdout == "    1  use job 43167\n    2  runs --status error\n    3  jobs\n", "\(console.stdout)")
            console.reset()
            #expect(await interpreter.execute("history -n 2") == 0)
            #expect(console.stdout == "    2  runs --status error\n    3  jobs\n", "\(console.stdout)")
        }
    }

    @Test func historyInAScriptSaysWhy() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("history")
            #expect(result.status == 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("interactive"), "\(result)")
        }
    }

    @Test func historyPolicyKeepsSecretsOut() {
        let policy = HistoryPolicy(secrets: [DemoWorld.token])
        #expect(policy.shouldRecord("use job 43167"))
        #expect(!policy.shouldRecord(" use job 43167"), "a leading space keeps a line out (ignorespace)")
        #expect(!policy.shouldRecord("api GET /x --data '{\"t\":\"\(DemoWorld.token)\"}'"))
        #expect(!policy.shouldRecord("set token dbtc_abcdef123456"))
        #expect(!policy.shouldRecord("api GET / -H 'Authorization: Token x'"))
        #expect(!policy.shouldRecord("   "))
    }

    @Test func aliases() async throws {
        try await withShell { shell, fixture in
            let help = await shell.run("?")
            #expect(help.status == 0)
            #expect(help.stdout.hasPrefix("dbtsh: a shell for dbt Cloud"), "\(help)")
            let envs = await shell.run("use project 100; envs")
            #expect(envs.stdout.firstColumn == ["200", "201", "202"], "\(envs)")
            let quit = await fixture.shell().run("quit\nset output json")
            #expect(quit.status == 0)
        }
    }

    @Test func exitStatusRange() async throws {
        try await withShell { shell, fixture in
            #expect(await fixture.shell().run("exit").status == 0)
            #expect(await fixture.shell().run("exit 255").status == 255)
            let tooBig = await shell.run("exit 256")
            #expect(tooBig.status == 2, "\(tooBig)")
            #expect(shell.session.exitRequest == nil, "a bad exit does not leave")
        }
    }

    @Test func promptFollowsTheContext() async throws {
        try await withShell(account: false) { shell, _ in
            #expect(shell.session.prompt == "dbt > ")
            _ = await shell.run("use account 43")
            #expect(shell.session.prompt == "dbt acme > ")
            _ = await shell.run("use project marketing")
            #expect(shell.session.prompt == "dbt acme/marketing > ")
            _ = await shell.run("use run 912")
            #expect(shell.session.prompt == "dbt acme/analytics:prod job 43168 run 912 > ")
        }
    }
}
