import Foundation
import Sandbox
import Testing

/// The token stays secret (output, traces, errors, history, written files), plain http to a
/// non-loopback host is refused before any connection, a profiles file readable by others is
/// refused, and artifact paths cannot escape the target directory. Through the built binary.
@Suite("security through the built dbtsh")
struct SecuritySuiteTests {
    /// Not a token the sandbox knows: every request with it gets 401.
    static let fakeToken = "dbtc_SECRETsecret123"
    /// A token without the `dbtc_`/`dbtu_` markers the history filter also looks for.
    static let unmarkedToken = "prof7SECRETsecret456"

    /// Every regular file under `home` whose bytes contain `secret`.
    static func files(in home: ScratchHome, containing secret: String) -> [String] {
        home.allFiles().filter { relative in
            guard let data = FileManager.default.contents(atPath: home.root.appendingPathComponent(relative).path) else { return false }
            return data.range(of: Data(secret.utf8)) != nil
        }
    }

    static func expectNoSecret(_ secret: String, in result: SpawnedResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.stdout.contains(secret), "the token is on stdout: \(result)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains(secret), "the token is on stderr: \(result)", sourceLocation: sourceLocation)
    }

    // MARK: The token in output, traces, errors and written files

    @Test("the demo token never shows in output, --verbose traces or the files dbtsh writes")
    func validTokenNeverShows() async throws {
        try await withFaultSandbox { server, home in
            // A retried 503 and a 404 put error and retry lines in the trace too.
            server.faults.add(FaultRule(.serverError(status: 503), every: 1, times: 1, method: "GET", pathContains: "/jobs/"))
            let script = """
                set errexit off
                jobs
                use job 43167
                runs
                show run 902
                steps 902
                use run 902
                artifacts
                artifacts get run_results.json manifest.json -o arts/
                artifacts get catalog.json --step 3 -o arts/
                failures
                logs --failed --tail 5
                job export 43167 -o job.json
                api GET /api/v2/accounts/{account}/jobs/{job}/
                show job 99999
                context

                """
            let result = try await SpawnedDbtsh.run(script: script, on: server, home: home, extraArguments: ["--verbose"])
            Self.expectNoSecret(DemoWorld.token, in: result)
            #expect(result.stderr.contains("Token ****"), "--verbose traced nothing: \(result)")
            #expect(result.stderr.contains("error: "), "the 404 of `show job 99999` should be reported: \(result)")
            // The files really were written, and none of them holds the token.
            let written = home.allFiles()
            #expect(written.contains("work/job.json"), "\(written)")
            #expect(written.contains("work/arts/run_results.json"), "\(written)")
            #expect(written.contains { $0.hasPrefix("cache/") }, "nothing cached: \(written)")
            #expect(Self.files(in: home, containing: DemoWorld.token).isEmpty,
                    "files holding the token: \(Self.files(in: home, containing: DemoWorld.token))")
            // The token did go over the wire (the sandbox accepted it).
            #expect(server.requestLog.entries().allSatisfy { $0.authorization?.hasSuffix(DemoWorld.token) == true })
        }
    }

    @Test("a refused token (401) never shows in the error line or the trace: exit 4")
    func refusedTokenNeverShows() async throws {
        try await withFaultSandbox { server, home in
            let result = try await SpawnedDbtsh.run(script: "accounts\n", on: server, home: home, extraArguments: ["--verbose"],
                                                    token: Self.fakeToken)
            Self.expectNoSecret(Self.fakeToken, in: result)
            Self.expectNoSecret("SECRETsecret", in: result)
            #expect(result.status == 4, "\(result)")
            #expect(result.stderrLines.last?.hasPrefix("error: ") == true, "\(result)")
            #expect(result.stderrLines.filter { $0.hasPrefix("error: ") }.count == 1, "\(result)")
            expectNoStackTrace(result)
            #expect(server.requestLog.entries().contains { $0.authorization?.contains(Self.fakeToken) == true },
                    "the fake token was never sent")
            #expect(Self.files(in: home, containing: "SECRETsecret").isEmpty)
        }
    }

    @Test("a token in the environment is not echoed by errors of commands that fail before any request")
    func tokenNotInUsageErrors() async throws {
        try await withFaultSandbox { server, home in
            let script = "set errexit off\nhlep\nruns --bogus\nuse run nope\nset output nope\nartifacts get ../x\nexit 3\n"
            let result = try await SpawnedDbtsh.run(script: script, on: server, home: home, extraArguments: ["--verbose"],
                                                    token: Self.fakeToken)
            Self.expectNoSecret(Self.fakeToken, in: result)
            #expect(result.status == 3, "\(result)")
        }
    }

    /// The trace redacts a token typed into an `api` path (`?name=****`); the error line of the same
    /// request should too.
    @Test("a token typed into an api path is redacted in the error line as in the trace")
    func typedTokenRedactedInErrorLine() async throws {
        try await withFaultSandbox { server, home in
            let result = try await SpawnedDbtsh.run(
                script: "api GET /api/v2/accounts/43/jobs/\(DemoWorld.token)/\n", on: server, home: home, extraArguments: ["--verbose"])
            #expect(result.status == 3, "\(result)")
            let traces = result.stderrLines.filter { $0.hasPrefix("->") || $0.hasPrefix("<-") }
            #expect(!traces.isEmpty && traces.allSatisfy { !$0.contains(DemoWorld.token) }, "\(result)")
            let errorLine = result.stderrLines.first { $0.hasPrefix("error: ") } ?? ""
            #expect(!errorLine.contains(DemoWorld.token), "\(errorLine)")
        }
    }

    // MARK: Plain http

    @Test("plain http to a host that is not loopback is refused before any connection: exit 2", arguments: [
        "http://example.com", "http://example.com:80/", "http://localhost.example.com", "http://127.0.0.1.nip.io",
        "http://127.0.0.1@example.com", "http://10.255.255.1", "http://0.0.0.0", "http://[2001:db8::1]", "HTTP://EXAMPLE.COM",
    ])
    func plainHTTPRefused(host: String) async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        let viaFlag = try await SpawnedDbtsh.run(["--verbose", "--host", host], script: "accounts\n", home: home, token: Self.fakeToken)
        let viaEnvironment = try await SpawnedDbtsh.run(["--verbose"], script: "accounts\n", home: home, token: Self.fakeToken,
                                                         environment: ["DBT_CLOUD_HOST": host])
        for result in [viaFlag, viaEnvironment] {
            #expect(result.status == 2, "\(host): \(result)")
            #expect(result.stderrLines.count == 1, "\(host): one line expected: \(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            // --verbose traces every request before it is sent: none may appear.
            #expect(!result.stderr.contains("-> "), "\(host): a request was attempted: \(result)")
            Self.expectNoSecret(Self.fakeToken, in: result)
            expectNoStackTrace(result)
        }
        #expect(viaFlag.stderr.lowercased().contains("http"), "\(viaFlag)")
    }

    @Test("plain http to loopback is allowed", arguments: ["http://127.0.0.1", "http://localhost"])
    func plainHTTPToLoopbackAllowed(prefix: String) async throws {
        try await withFaultSandbox { server, home in
            let port = server.baseURL.port ?? 0
            let result = try await SpawnedDbtsh.run(["--host", "\(prefix):\(port)"], script: "accounts\n", home: home)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("Acme Analytics"), "\(result)")
        }
    }

    // MARK: The profiles file

    static func writeProfiles(in home: ScratchHome, host: String, token: String, mode: Int) throws -> URL {
        let directory = home.config.appendingPathComponent("dbtsh")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("profiles.yml")
        let text = """
            default: test
            profiles:
              test:
                host: \(host)
                token: \(token)
                account: 43

            """
        try Data(text.utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file.path)
        return file
    }

    @Test("a profiles file readable by others is refused with a chmod 600 hint", arguments: [0o644, 0o640, 0o604, 0o666])
    func looseProfilesFileRefused(mode: Int) async throws {
        try await withFaultSandbox { server, home in
            _ = try Self.writeProfiles(in: home, host: server.baseURL.absoluteString, token: DemoWorld.token, mode: mode)
            let result = try await SpawnedDbtsh.run([], script: "accounts\n", home: home, token: nil)
            #expect(result.status == 2, "mode \(String(mode, radix: 8)): \(result)")
            #expect(result.stderr.contains("chmod 600"), "\(result)")
            #expect(result.stderrLines.count == 1, "\(result)")
            Self.expectNoSecret(DemoWorld.token, in: result)
            expectNoStackTrace(result)
            #expect(server.requestLog.entries().isEmpty, "a request was sent with a refused profile")
        }
    }

    @Test("a private profiles file (0600) is used, and its token shows nowhere else")
    func privateProfilesFileUsed() async throws {
        try await withFaultSandbox { server, home in
            _ = try Self.writeProfiles(in: home, host: server.baseURL.absoluteString, token: DemoWorld.token, mode: 0o600)
            let result = try await SpawnedDbtsh.run(["--verbose"], script: "accounts\nhlep\n", home: home, token: nil)
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.contains("Acme Analytics"), "\(result)")
            #expect(result.stderr.contains("Token ****"), "\(result)")
            Self.expectNoSecret(DemoWorld.token, in: result)
            #expect(Self.files(in: home, containing: DemoWorld.token) == ["config/dbtsh/profiles.yml"])
        }
    }

    // MARK: Artifact paths

    @Test("artifact paths that leave target/ are refused: exit 2, nothing requested, nothing written", arguments: [
        "../../etc/passwd", "/etc/passwd", "a/../../etc/passwd", "..", "../", "~/secrets", "run_results.json/../../../x",
        "./../x", "logs/../../x",
    ])
    func escapingArtifactPathRefused(path: String) async throws {
        try await withFaultSandbox { server, home in
            let target = home.work.appendingPathComponent("deep/target")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            let before = home.allFiles()
            let quoted = "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
            for output in ["-o \(target.path)", "-o \(target.path)/", ""] {
                let result = try await SpawnedDbtsh.run(
                    script: "use run 902\nartifacts get \(quoted) \(output)\n", on: server, home: home)
                expectOneLineFailure(result, exitCode: 2, mentioning: "not allowed")
            }
            // With a good path first: still nothing is fetched or written.
            let mixed = try await SpawnedDbtsh.run(
                script: "use run 902\nartifacts get run_results.json \(quoted) -o \(target.path)\n", on: server, home: home)
            expectOneLineFailure(mixed, exitCode: 2)
            #expect(!server.requestLog.entries().contains { $0.path.contains("/artifacts/") },
                    "\(server.requestLog.entries().map(\.path))")
            #expect(home.allFiles() == before, "files appeared: \(Set(home.allFiles()).subtracting(before))")
        }
    }

    // MARK: History

    /// Runs blocking pseudo-terminal work on its own thread, so the cooperative pool (which also
    /// serves in-process sandboxes of parallel tests) is never blocked.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    /// The history file's lines, decoded from libedit's format (`_HiStOrY_V2_` header, `strvis`
    /// octal escapes such as `\040` for a space).
    static func historyLines(_ home: ScratchHome) throws -> [String] {
        let data = try Data(contentsOf: home.state.appendingPathComponent("dbtsh/history"))
        let raw = String(decoding: data, as: UTF8.self)
        return raw.split(separator: "\n").map(String.init).filter { $0 != "_HiStOrY_V2_" }.map(unvis)
    }

    static func unvis(_ line: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(line.utf8)
        var index = 0
        func isOctal(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) }
        while index < source.count {
            if source[index] == UInt8(ascii: "\\"), index + 3 < source.count,
               isOctal(source[index + 1]), isOctal(source[index + 2]), isOctal(source[index + 3]) {
                let value = source[(index + 1)...(index + 3)].reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) }
                bytes.append(UInt8(truncatingIfNeeded: value))
                index += 4
            } else if source[index] == UInt8(ascii: "\\"), index + 1 < source.count, source[index + 1] == UInt8(ascii: "\\") {
                bytes.append(UInt8(ascii: "\\"))
                index += 2
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func historyMode(_ home: ScratchHome) throws -> Int? {
        let attributes = try FileManager.default.attributesOfItem(atPath: home.state.appendingPathComponent("dbtsh/history").path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue
    }

    /// Types `lines` into an interactive dbtsh, then `exit`.
    static func typeSession(arguments: [String], environment: [String: String], home: ScratchHome, lines: [String]) async throws {
        let root = home.root
        try await onOwnThread {
            let shell = try PseudoTerminal(
                executable: try ProductLocator.executable(named: "dbtsh"), arguments: arguments,
                environment: ["NO_COLOR": "1"].merging(environment) { _, new in new }, home: root)
            try shell.expect(" > ", timeout: 30)
            for line in lines {
                try shell.type(line + "\r")
                try shell.expect(" > ", timeout: 15)
            }
            try shell.type("exit\r")
            let status = try shell.waitForExit(timeout: 10)
            if status != 0 { throw PseudoTerminal.Failure(description: "exit status \(status): \(shell.transcript)") }
        }
    }

    @Test("history (0600) keeps ordinary lines and drops every line holding a token (--demo)")
    func historyDropsTokenLines() async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        try await Self.typeSession(arguments: ["--demo"], environment: [:], home: home, lines: [
            "help use",
            "hlep \(DemoWorld.token)",
            "api GET /api/v2/accounts/43/jobs/?name=\(Self.fakeToken)",
            "set output json # \(DemoWorld.token)",
            "context",
        ])
        let lines = try Self.historyLines(home)
        #expect(lines.contains("help use"), "\(lines)")
        #expect(lines.contains("context"), "\(lines)")
        #expect(!lines.contains { $0.contains(DemoWorld.token) || $0.contains("SECRETsecret") }, "\(lines)")
        #expect(try Self.historyMode(home) == 0o600)
        #expect(Self.files(in: home, containing: DemoWorld.token).isEmpty, "\(Self.files(in: home, containing: DemoWorld.token))")
    }

    @Test("history drops a line holding the token from DBT_CLOUD_API_TOKEN")
    func historyDropsEnvironmentToken() async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        // Nothing listens on port 1: the lines typed need no API.
        try await Self.typeSession(
            arguments: ["--host", "http://127.0.0.1:1"],
            environment: ["DBT_CLOUD_API_TOKEN": Self.unmarkedToken, "DBT_CLOUD_ACCOUNT_ID": "43"], home: home,
            lines: ["help use", "hlep \(Self.unmarkedToken)", "context"])
        let lines = try Self.historyLines(home)
        #expect(lines.contains("help use"), "\(lines)")
        #expect(!lines.contains { $0.contains(Self.unmarkedToken) }, "\(lines)")
        #expect(try Self.historyMode(home) == 0o600)
    }

    @Test("history drops a line holding the token from the profiles file")
    func historyDropsProfileToken() async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        _ = try Self.writeProfiles(in: home, host: "http://127.0.0.1:1", token: Self.unmarkedToken, mode: 0o600)
        try await Self.typeSession(arguments: [], environment: [:], home: home,
                                   lines: ["help use", "hlep \(Self.unmarkedToken)", "context"])
        let lines = try Self.historyLines(home)
        #expect(lines.contains("help use"), "\(lines)")
        #expect(!lines.contains { $0.contains(Self.unmarkedToken) }, "\(lines)")
        #expect(try Self.historyMode(home) == 0o600)
    }
}
