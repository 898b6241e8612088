import DbtArtifacts
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

/// ErrorReport is the one place where the errors of other modules get an exit code.
@Suite("Exit code policy")
struct ExitCodePolicyTests {
    static let kinds: [(DbtCloudError.Kind, Int32)] = [
        (.authentication, 4), (.permission, 4), (.notFound, 3), (.rejected, 3), (.graphQL, 3), (.throttled, 5),
        (.server, 5), (.network, 5), (.timeout, 5), (.invalidResponse, 5), (.configuration, 2), (.invalidArgument, 2),
    ]

    @Test func everyKindOfClientErrorHasItsExitCode() {
        for (kind, code) in Self.kinds {
            let error = DbtCloudError(kind: kind, method: "GET", path: "/api/v2/accounts/43/", message: "m")
            let failure = ErrorReport.failure(for: error)
            #expect(failure.exitCode == code, "\(kind)")
            #expect(failure.message == "GET /api/v2/accounts/43/: m")
            #expect(failure.exitCode != ExitCode.runFailed, "1 is only for a run that ended in error")
        }
    }

    @Test func anUnexpectedErrorIsAnInternalErrorNotARunFailure() {
        struct Surprise: Error, CustomStringConvertible {
            var description: String { "something odd\nsecond line" }
        }
        let failure = ErrorReport.failure(for: Surprise())
        #expect(failure.exitCode == 70)
        #expect(failure.message == "internal error (please report it): something odd")
    }

    @Test func cancellationAndUnreadableArtifacts() {
        #expect(ErrorReport.failure(for: CancellationError()).exitCode == ExitCode.interrupted)
        let artifact = ErrorReport.failure(for: ArtifactError.empty(.runResults))
        #expect(artifact.exitCode == ExitCode.network)
        #expect(artifact.message.hasPrefix("dbt Cloud sent an unreadable artifact: "))
    }

    @Test func aFileThatCannotBeWrittenIsAUsageError() async throws {
        try await SandboxFixture.with { fixture in
            let result = await fixture.shell().run("artifacts get run_results.json --run 902 -o /proc/dbtsh-no-such-dir/results.json")
            #expect(result.status == ExitCode.usage, "\(result)")
            #expect(result.stderrLines == ["error: cannot write /proc/dbtsh-no-such-dir/results.json: cannot create /proc/dbtsh-no-such-dir"], "\(result)")
        }
    }
}
