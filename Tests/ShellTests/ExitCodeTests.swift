import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// SHELL.md §5: what the API says becomes the exit code: 3 for a refusal (404, 400…),
/// 4 for authentication or permission (401, 403), 5 for network or server failures.
@Suite("Exit codes of API failures")
struct ExitCodeTests {
    @Test
    func apiRefusalsExit3() async throws {
        try await SandboxFixture.with { fixture in
            let shell = fixture.shell()
            for line in ["use job 999999", "use run 999999", "show job 999999", "api GET /api/v2/accounts/{account}/jobs/999999/",
                         "artifacts get no_such_file.json --run 902 -o -", "retry 901", "cancel 999999"] {
                let result = await shell.run(line)
                #expect(result.status == 3, "\(line): \(result)")
                #expect(result.stderrLines.count == 1, "\(line): \(result)")
            }
        }
    }

    @Test
    func authenticationAndPermissionExit4() async throws {
        let readOnly = try await SandboxFixture.start(token: DemoWorld.readOnlyToken)
        let forbidden = await readOnly.shell().run("run --job 43167")
        #expect(forbidden.status == 4, "a 403: \(forbidden)")
        await readOnly.stop()
        let badToken = try await SandboxFixture.start(token: "dbtc_not-a-valid-token")
        let unauthorized = await badToken.shell().run("jobs")
        #expect(unauthorized.status == 4, "a 401: \(unauthorized)")
        #expect(!unauthorized.stderr.contains("not-a-valid-token"))
        await badToken.stop()
    }

    @Test
    func unreachableServerExits5() async throws {
        // A sandbox that has stopped: connections are refused.
        let fixture = try await SandboxFixture.start()
        let shell = fixture.shell()
        await fixture.server.stop()
        let result = await shell.run("jobs")
        #expect(result.status == 5, "\(result)")
        #expect(result.stderrLines.count == 1, "one line, no stack trace: \(result)")
        await fixture.stop()
    }
}
