import Foundation
import Sandbox
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The language through the built binary in a pseudo-terminal: pipes and redirections from a
/// terminal, Ctrl-C on both sides of a pipe, watch, the start-up file, history and login.
@Suite("The language in a pseudo-terminal", .serialized)
struct LanguageTerminalTests {
    static let prompt = DemoTerminal.prompt

    private func startDemo(home: URL? = nil, arguments: [String] = [], environment: [String: String] = [:]) throws -> PseudoTerminal {
        try DemoTerminal.start(
            arguments: arguments, environment: ["DBTSH_DEMO_STEP_SECONDS": "0.05"].merging(environment) { _, new in new },
            home: home, columns: 80)
    }

    private func leave(_ terminal: PseudoTerminal) throws {
        try terminal.type("\u{04}")
        let status = try terminal.waitForExit(timeout: 10)
        try check(status == 0, "exit status \(status)")
        try check(terminal.terminalIsRestored, "the terminal was left in raw mode")
    }

    @Test("from a terminal with colour on, a pipe and a file get plain text; the terminal gets colour")
    func pipesAndFilesGetPlainText() async throws {
        try await onOwnThread {
            let shell = try startDemo()
            try shell.type("use job 43167\r")
            try shell.expect("job 43167" + Self.prompt, timeout: 10)
            try shell.type("runs | cat -v\r")
            let piped = try shell.expect("job 43167" + Self.prompt, timeout: 10)
            try check(piped.contains("902  error"), "the pipe got the table: \(piped)")
            try check(!piped.contains("^["), "no escape codes reached the pipe: \(piped)")
            let file = shell.home.appendingPathComponent("runs.txt").path
            try shell.type("runs > \(file)\r")
            try shell.expect("job 43167" + Self.prompt, timeout: 10)
            let written = String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
            try check(written.contains("902  error") && !written.contains("\u{1B}"), "the file: \(written.debugDescription)")
            let before = shell.rawTranscript.utf8.count
            try shell.type("runs\r")
            try shell.expect("job 43167" + Self.prompt, timeout: 10)
            let direct = String(shell.rawTranscript.utf8.dropFirst(before)) ?? ""
            try check(direct.contains("\u{1B}[1m"), "the terminal gets the styled header: \(direct.debugDescription)")
            try leave(shell)
        }
    }

    @Test("Ctrl-C stops both sides of a pipe, and $? says so")
    func controlCStopsBothSides() async throws {
        try await onOwnThread {
            let shell = try startDemo()
            try shell.type("context | sleep 60\r")
            try shell.waitForCanonicalMode()
            try shell.send("\u{03}")
            try shell.expect(Self.prompt, timeout: 10)
            try shell.type("echo status $?\r")
            try shell.expect("status 130", timeout: 10)
            try leave(shell)
        }
    }

    @Test("watch redraws the screen each round until Ctrl-C")
    func watchRedraws() async throws {
        try await onOwnThread {
            let shell = try startDemo()
            try shell.type("watch --interval 200ms runs --limit 1 --job 43167\r")
            try shell.expect("every 200ms: runs --limit 1 --job 43167", timeout: 10)
            try shell.expect("902  error", timeout: 10)
            try shell.expect("every 200ms: runs --limit 1 --job 43167", timeout: 10)
            try check(shell.rawTranscript.components(separatedBy: "\u{1B}[H\u{1B}[2J").count >= 3, "the screen is cleared each round")
            try shell.send("\u{03}")
            try shell.expect(Self.prompt, timeout: 10)
            try shell.type("echo status $?\r")
            try shell.expect("status 130", timeout: 10)
            try leave(shell)
        }
    }

    @Test("the start-up file runs before the first prompt; --norc skips it; a file others can write is not run")
    func startupFile() async throws {
        try await onOwnThread {
            let home = try PseudoTerminal.makeTemporaryHome()
            defer { try? FileManager.default.removeItem(at: home) }
            let directory = home.appendingPathComponent("config/dbtsh")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let rc = directory.appendingPathComponent("rc")
            try Data("alias hi 'echo hello from rc'\nuse job 43167\njbos\n".utf8).write(to: rc)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: rc.path)

            let shell = try startDemo(home: home)
            try check(shell.transcript.contains("\(rc.path):3: error: unknown command 'jbos'"), "an rc error names its line: \(shell.transcript)")
            try shell.type("hi\r")
            try shell.expect("hello from rc", timeout: 10)
            try shell.expect("job 43167" + Self.prompt, timeout: 10)
            try leave(shell)

            let skipped = try startDemo(home: home, arguments: ["--norc"])
            try skipped.type("hi\r")
            try skipped.expect("unknown command 'hi'", timeout: 10)
            try leave(skipped)

            try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: rc.path)
            let refused = try startDemo(home: home)
            try check(refused.transcript.contains("not running \(rc.path): others can write to it"), refused.transcript)
            try leave(refused)
        }
    }

    @Test("history keeps what was typed, not what it expanded to")
    func historyKeepsTheUnexpandedText() async throws {
        try await onOwnThread {
            let shell = try startDemo()
            try shell.type("echo account ${account}\r")
            try shell.expect("account 43", timeout: 10)
            try shell.type("history\r")
            try shell.expect("echo account ${account}", timeout: 10)
            try leave(shell)
        }
    }

    @Test("login: the token is read without echo, checked, saved (0600) and never shown or recorded")
    func login() async throws {
        let server = try await SandboxServer.start(SandboxConfiguration(stepSeconds: 0.05))
        let host = server.baseURL.absoluteString
        do {
            try await onOwnThread {
                let home = try PseudoTerminal.makeTemporaryHome()
                defer { try? FileManager.default.removeItem(at: home) }
                let shell = try PseudoTerminal(executable: try ProductLocator.executable(named: "dbtsh"), arguments: ["--host", host],
                                               environment: ["NO_COLOR": "1"], home: home)
                try shell.expect("no API token: type 'login'", timeout: 30)
                try shell.expect(Self.prompt, timeout: 10)
                try shell.type("jobs\r")
                try shell.expect("error: no API token", timeout: 10)
                try shell.type("login\r")
                try shell.expect("dbt Cloud API token (input hidden): ", timeout: 10)
                try shell.waitForEchoOff()
                try shell.send(DemoWorld.token + "\r")
                try shell.expect("the token sees", timeout: 10)
                try shell.expect("Acme Analytics", timeout: 10)
                try shell.expect("save it to profile 'default' in ~/config/dbtsh/profiles.yml? [y/N] ", timeout: 10)
                try shell.send("y\r")
                try shell.expect("saved to profile 'default' in ~/config/dbtsh/profiles.yml (mode 600)", timeout: 10)
                try shell.type("jobs --name Nightly\r")
                try shell.expect("Nightly build", timeout: 10)
                try leave(shell)

                try check(!shell.rawTranscript.contains(DemoWorld.token), "the token was shown: \(shell.transcript)")
                let history = String(decoding: FileManager.default.contents(atPath: home.appendingPathComponent("state/dbtsh/history").path) ?? Data(),
                                     as: UTF8.self)
                try check(history.contains("login") && !history.contains(DemoWorld.token), "history: \(history)")
                let profiles = home.appendingPathComponent("config/dbtsh/profiles.yml").path
                let mode = (try FileManager.default.attributesOfItem(atPath: profiles)[.posixPermissions] as? Int) ?? 0
                try check(mode == 0o600, "profiles.yml mode \(String(mode, radix: 8))")
                let saved = String(decoding: FileManager.default.contents(atPath: profiles) ?? Data(), as: UTF8.self)
                try check(saved.contains(DemoWorld.token) && saved.contains(host.trimmingCharacters(in: CharacterSet(charactersIn: "/"))), "profiles.yml: \(saved)")

                let again = try PseudoTerminal(executable: try ProductLocator.executable(named: "dbtsh"), arguments: ["--host", host],
                                               environment: ["NO_COLOR": "1"], home: home)
                try again.expect(Self.prompt, timeout: 30)
                try check(!again.transcript.contains("no API token"), "the saved token is used: \(again.transcript)")
                try again.type("accounts\r")
                try again.expect("Acme Analytics", timeout: 10)
                try leave(again)
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

/// Scripts through the built binary: arguments, `FILE:LINE`, the CI pattern, `-c` arguments.
@Suite("The language in scripts")
struct LanguageScriptTests {
    static let fast = ["DBTSH_DEMO_STEP_SECONDS": "0.05"]

    @Test("a CI script: trigger, wait, always fetch the results, then fail with the run's status")
    func ciScript() async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        let script = """
        #!/usr/bin/env dbtsh
        # ci.dbtsh JOB: run the job, keep its results, fail as it failed
        set errexit off
        use job $1
        run --wait
        let status $?
        artifacts get run_results.json -o results/
        failures > failures.txt
        jbos
        exit $status
        """
        try Data(script.utf8).write(to: home.work.appendingPathComponent("ci.dbtsh"))
        let failing = try await SpawnedDbtsh.run(["--demo", "ci.dbtsh", "43167"], home: home, token: nil, environment: Self.fast)
        #expect(failing.status == 1, "\(failing)")
        #expect(FileManager.default.fileExists(atPath: home.work.appendingPathComponent("results/run_results.json").path))
        let failures = String(decoding: FileManager.default.contents(atPath: home.work.appendingPathComponent("failures.txt").path) ?? Data(), as: UTF8.self)
        #expect(failures.contains("int_customer_order_history"), "\(failures)")
        #expect(failing.stderrLines.contains("ci.dbtsh:9: error: unknown command 'jbos' (did you mean jobs?); type 'help' for the list"), "\(failing)")
        let passing = try await SpawnedDbtsh.run(["--demo", "ci.dbtsh", "43168"], home: home, token: nil, environment: Self.fast)
        #expect(passing.status == 0, "\(passing)")
    }

    @Test func commandsGetArgumentsToo() async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        let result = try await SpawnedDbtsh.run(["--demo", "-c", "echo $# \"$1\"; echo $2", "a b", "--not-an-option"], home: home, token: nil)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines == ["2 a b", "--not-an-option"], "\(result)")
        let help = try await SpawnedDbtsh.run(["--help"], home: home, token: nil)
        #expect(help.status == 0 && help.stdout.contains("USAGE: dbtsh [<options>] [<file [argument…]> ...]"), "\(help)")
        let version = try await SpawnedDbtsh.run(["--demo", "--version"], home: home, token: nil)
        #expect(version.status == 0 && version.stdoutLines.count == 1, "\(version)")
        let unknown = try await SpawnedDbtsh.run(["--bogus"], home: home, token: nil)
        #expect(unknown.status == 2, "\(unknown)")
        #expect(unknown.stderrLines == ["dbtsh: unknown option '--bogus'; see 'dbtsh --help'"], "\(unknown)")
    }

    @Test("without a token, commands say how to give one")
    func noToken() async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        let result = try await SpawnedDbtsh.run(["--host", "http://127.0.0.1:9", "-c", "jobs"], home: home, token: nil)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderrLines == ["error: no API token: type 'login', export DBT_CLOUD_API_TOKEN or use --profile NAME (or try 'dbtsh --demo')"],
                "\(result)")
    }

    @Test("a piped script can pipe and redirect too")
    func pipedScript() async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        let result = try await SpawnedDbtsh.run(["--demo"], script: "use job 43167\nruns | grep -c success > count\nlogs --failed --run 902 | grep -i 'error' | head -1\n",
                                                home: home, token: nil, environment: Self.fast)
        #expect(result.status == 0, "\(result)")
        let count = String(decoding: FileManager.default.contents(atPath: home.work.appendingPathComponent("count").path) ?? Data(), as: UTF8.self)
        #expect(count == "2\n", "\(count)")
        #expect(result.stdoutLines.count == 1 && result.stdout.lowercased().contains("error"), "\(result)")
    }
}
