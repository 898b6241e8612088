import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// Which account am I in (issue 15.1): the prompt and `context` name the account so that two
/// accounts tell apart, bare ids from `--account` get their names, and a narrow terminal gets
/// a shorter prompt that keeps the ids of job and run.
@Suite("The prompt says where you are", .sandbox())
struct PromptTests {
    static let acmeAnalytics = ShellContext.Entry(id: 43, name: "Acme Analytics")
    static let acmeSandbox = ShellContext.Entry(id: 44, name: "Acme Sandbox")

    static var deepContext: ShellContext {
        var context = ShellContext()
        context.account = acmeAnalytics
        context.project = .init(id: 100, name: "analytics")
        context.environment = .init(id: 202, name: "Production")
        context.job = .init(id: 43167, name: "Nightly build")
        context.run = .init(id: 902, name: "error")
        return context
    }

    @Test func accountsThatShareTheirFirstWordAreNamedInFull() {
        var context = ShellContext()
        context.account = Self.acmeAnalytics
        #expect(context.prompt(width: nil, accounts: [Self.acmeAnalytics]) == "dbt acme > ", "alone, the first word is enough")
        let both = [Self.acmeAnalytics, Self.acmeSandbox]
        #expect(context.prompt(width: nil, accounts: both) == "dbt acme-analytics > ")
        context.account = Self.acmeSandbox
        #expect(context.prompt(width: nil, accounts: both) == "dbt acme-sandbox > ")
        context.account = .init(id: 45, name: "Acme Analytics")
        #expect(context.prompt(width: nil, accounts: both + [.init(id: 45, name: "Acme Analytics")]) == "dbt acme-analytics#45 > ",
                "the same name twice: the id tells them apart")
        context.account = .init(id: 43)
        #expect(context.prompt(width: nil, accounts: both) == "dbt 43 > ")
    }

    @Test func aNarrowTerminalShortensThePromptAndKeepsTheJobAndRun() {
        let context = Self.deepContext
        #expect(context.prompt(width: nil) == "dbt acme/analytics:prod job 43167 run 902 > ")
        #expect(context.prompt(width: 120) == "dbt acme/analytics:prod job 43167 run 902 > ")
        #expect(context.prompt(width: 80) == "dbt acme/analytics:prod job 43167 run 902 > ")
        #expect(context.prompt(width: 60) == "dbt acme/analytics job 43167 run 902 > ")
        #expect(context.prompt(width: 60, accounts: [Self.acmeAnalytics, Self.acmeSandbox]) == "dbt acme-analytics job 43167 run 902 > ")
        #expect(context.prompt(width: 48) == "dbt acme job 43167 run 902 > ")
        #expect(context.prompt(width: 40) == "dbt job 43167 run 902 > ")
        #expect(context.prompt(width: 10) == "dbt job 43167 run 902 > ", "the ids stay, however narrow")
        for width in [30, 40, 60, 80] {
            #expect(context.prompt(width: width).count <= max(24, width * 2 / 3), "at \(width) columns")
        }
    }

    @Test func theSessionsPromptFollowsTheTerminalsWidth() async throws {
        try await SandboxFixture.with { fixture in
            let narrow = fixture.shell(console: CapturingConsole(stdoutIsTerminal: true, width: 48))
            let result = await narrow.run("use run 902")
            #expect(result.status == 0, "\(result)")
            #expect(narrow.session.prompt == "dbt acme job 43167 run 902 > ")
            let wide = fixture.shell(console: CapturingConsole(stdoutIsTerminal: true, width: 120))
            _ = await wide.run("use run 902")
            #expect(wide.session.prompt == "dbt acme/analytics:prod job 43167 run 902 > ")
        }
    }

    @Test("--account 43 alone: context and prompt name the account, and tell it from account 44")
    func bareAccountIDGetsItsName() async throws {
        try await SandboxFixture.with(secondAccount: true) { fixture in
            var bare = ShellContext()
            bare.account = .init(id: DemoWorld.accountID)
            let shell = fixture.shell(context: bare)
            #expect(shell.session.prompt == "dbt 43 > ")
            var context = await shell.run("context")
            for _ in 0..<300 where context.stdoutLines == ["account: 43"] {  // on a loaded machine the name comes later (up to 30 s)
                try await Task.sleep(for: .milliseconds(100))
                context = await shell.run("context")
            }
            #expect(context.status == 0, "\(context)")
            #expect(context.stdoutLines == ["account: 43 (Acme Analytics)"], "\(context)")
            #expect(shell.session.prompt == "dbt acme-analytics > ")
            let other = await shell.run("use account 44; context")
            #expect(other.status == 0, "\(other)")
            #expect(other.stdoutLines == ["account: 44 (Acme Sandbox)"], "\(other)")
            #expect(shell.session.prompt == "dbt acme-sandbox > ")
            let empty = await shell.run("jobs")
            #expect(empty.status == 0, "the second account is empty, not missing: \(empty)")
        }
    }

    @Test("ids from the environment (project, environment, job) get their names before the first prompt")
    func bareIDsOfEveryLevelGetTheirNames() async throws {
        try await SandboxFixture.with(secondAccount: true) { fixture in
            var bare = ShellContext()
            bare.account = .init(id: DemoWorld.accountID)
            bare.environment = .init(id: 202)
            bare.job = .init(id: 43167)
            let shell = fixture.shell(context: bare)
            await shell.session.nameTheContext(waitingAtMost: 30)
            #expect(shell.context.account?.name == "Acme Analytics")
            #expect(shell.context.environment?.name == "Production", "found without a project in context")
            #expect(shell.context.job?.name == "Nightly build")
            #expect(shell.session.prompt == "dbt acme-analytics job 43167 > ")
        }
    }
}
