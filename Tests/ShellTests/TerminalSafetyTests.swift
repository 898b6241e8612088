import DbtCloud
import Foundation
import Sandbox
@testable import Shell
import Synchronization
import TerminalText
import Testing

/// Issue 11.1: a server's strings are shown with their control characters made visible, and
/// never drive the terminal (retitle it, clear it, write the clipboard), wherever they are
/// printed. Through the interpreter over loopback HTTP to the sandbox.
@Suite("terminal safety: server strings are shown, never obeyed", .serialized, .sandbox())
struct TerminalSafetyTests {
    /// Retitles the terminal, clears the screen, writes the clipboard; a C1 CSI, DEL, a carriage return.
    static let hostile = "Evil\u{1B}]0;pwned\u{7}\u{1B}[2J\u{1B}]52;c;cHduZWQ=\u{7}\u{9B}31m\u{7F}\r!"
    static let visible = "Evil^[]0;pwned^G^[[2J^[]52;c;cHduZWQ=^G<9B>31m^?^M!"
    /// What an error line keeps of it: a carriage return ends a line there.
    static let visibleFirstLine = "Evil^[]0;pwned^G^[[2J^[]52;c;cHduZWQ=^G<9B>31m^?"
    /// A step command: its log line gets dbt-like colour and a title sequence.
    static let hostileStep = "dbt seed -s \u{1B}[31mred\u{1B}[0m\u{1B}]0;t\u{7}"
    static let visibleStep = "dbt seed -s ^[[31mred^[[0m^[]0;t^G"

    /// A pipe, and a terminal (colour on, wide enough that nothing is cut).
    static func consoles() -> [(String, CapturingConsole, Settings)] {
        var colour = Settings()
        colour.color = true
        return [("pipe", CapturingConsole(), Settings()),
                ("terminal", CapturingConsole(stdoutIsTerminal: true, stderrIsTerminal: true, width: 400), colour)]
    }

    /// Job 43168 renamed, its step replaced, and a run of it (with the name as its cause) that has ended.
    static func hostileRun(_ fixture: SandboxFixture) async throws -> Int {
        let job = try await fixture.client.job(accountID: DemoWorld.accountID, id: 43168).raw
            .setting("name", to: .string(hostile)).setting("execute_steps", to: .array([.string(hostileStep)]))
            .setting("generate_docs", to: .bool(false))
        _ = try await fixture.client.updateJob(accountID: DemoWorld.accountID, id: 43168, definition: job)
        let run = try await fixture.client.triggerRun(accountID: DemoWorld.accountID, jobID: 43168, TriggerRunRequest(cause: hostile))
        let waited = await fixture.shell().run("wait \(run.id) --interval 50ms")
        try #require(waited.status == 0, "\(waited)")
        expectInert(waited)
        return run.id
    }

    /// Nothing but text, newlines and tabs; on a terminal also SGR sequences and the progress line's carriage return.
    static func expectInert(_ output: ShellOutput, terminal: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, text) in [("stdout", output.stdout), ("stderr", output.stderr)] {
            let shown = terminal ? withoutSGR(text).replacingOccurrences(of: "\r", with: "") : text
            let controls = shown.unicodeScalars.filter { VisibleControls.isControl($0) }.map { String($0.value, radix: 16) }
            #expect(controls.isEmpty, "\(name) holds control characters \(controls): \(text.debugDescription)",
                    sourceLocation: sourceLocation)
        }
    }

    static func withoutSGR(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;:]*m", with: "", options: .regularExpression)
    }

    @Test("jobs, show, context, runs, steps, show run and logs show the name visibly")
    func listingsAndObjects() async throws {
        try await SandboxFixture.with { fixture in
            let runID = try await Self.hostileRun(fixture)
            let commands: [(String, String)] = [
                ("jobs", Self.visible), ("show job 43168", Self.visible), ("use job 43168; context", Self.visible),
                ("runs --job 43168", Self.visible), ("show run \(runID)", Self.visible), ("steps \(runID)", Self.visibleStep),
                ("logs 1 --run \(runID)", "^[]0;t^G"),
            ]
            for (name, console, settings) in Self.consoles() {
                let shell = fixture.shell(settings: settings, console: console)
                for (command, expected) in commands {
                    let output = await shell.run(command)
                    #expect(output.status == 0, "\(name) \(command): \(output)")
                    Self.expectInert(output, terminal: name == "terminal")
                    #expect(Self.withoutSGR(output.stdout).contains(expected), "\(name) \(command): \(output)")
                }
            }
        }
    }

    @Test("JSON output escapes control characters and keeps the value")
    func jsonOutput() async throws {
        try await SandboxFixture.with { fixture in
            _ = try await Self.hostileRun(fixture)
            let shell = fixture.shell()
            for command in ["jobs --json", "show job 43168 --json", "use job 43168; context --json", "api GET /api/v2/accounts/{account}/jobs/43168/"] {
                let output = await shell.run(command)
                #expect(output.status == 0, "\(command): \(output)")
                Self.expectInert(output)
                #expect(output.stdout.contains("\\u001b]0;pwned\\u0007") && output.stdout.contains("\\u009b31m\\u007f\\r!"),
                        "\(command): \(output.stdout.prefix(400))")
            }
            let names = await shell.run("jobs --json").json?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.contains(Self.hostile), "the JSON decodes to the server's name")
        }
    }

    @Test("run --wait draws step names visibly, on a terminal and through a pipe")
    func runWaitProgress() async throws {
        try await SandboxFixture.with { fixture in
            _ = try await Self.hostileRun(fixture)
            for (name, console, settings) in Self.consoles() {
                let shell = fixture.shell(settings: settings, console: console)
                let output = await shell.run("run --job 43168 --wait --interval 50ms")
                #expect(output.status == 0, "\(name): \(output)")
                Self.expectInert(output, terminal: name == "terminal")
                #expect(output.stderr.contains("step 1 Invoke dbt with `\(Self.visibleStep)`"), "\(name): \(output)")
            }
        }
    }

    @Test("logs keep dbt's colour on a terminal with colour on, and only there")
    func logColour() async throws {
        try await SandboxFixture.with { fixture in
            let runID = try await Self.hostileRun(fixture)
            var colour = Settings()
            colour.color = true
            let terminal = CapturingConsole(stdoutIsTerminal: true, stderrIsTerminal: true, width: 200)
            let coloured = await fixture.shell(settings: colour, console: terminal).run("logs 1 --run \(runID)")
            #expect(coloured.stdout.contains("\u{1B}[31mred\u{1B}[0m^[]0;t^G"), "\(coloured)")
            Self.expectInert(coloured, terminal: true)

            let noColour = await fixture.shell(console: CapturingConsole(stdoutIsTerminal: true, width: 200)).run("logs 1 --run \(runID)")
            let piped = await fixture.shell(settings: colour).run("logs 1 --run \(runID)")
            for output in [noColour, piped] {
                #expect(output.stdout.contains("dbt seed -s red^[]0;t^G"), "colour dropped, the title shown: \(output)")
                Self.expectInert(output)
            }
        }
    }

    @Test("artifact paths from the server are shown visibly")
    func artifactPaths() async throws {
        try await SandboxFixture.with { fixture in
            defer { fixture.server.faults.clear() }
            let body = JSONValue.object(["status": .object(["code": .int(200), "is_success": .bool(true)]),
                                         "data": .array([.string("run_results.json"), .string(Self.hostile + ".json")])])
            fixture.server.faults.add(FaultRule(.respond(status: 200, json: body.compactText), times: 1, method: "GET",
                                                pathContains: "/runs/902/artifacts/"))
            let output = await fixture.shell().run("artifacts --run 902")
            #expect(output.status == 0, "\(output)")
            #expect(output.stdoutLines == ["run_results.json", Self.visible + ".json"], "\(output)")
            Self.expectInert(output)
        }
    }

    @Test("an API error line shows the server's message visibly, on one line")
    func errorLines() async throws {
        try await SandboxFixture.with { fixture in
            defer { fixture.server.faults.clear() }
            let body = JSONValue.object([
                "status": .object(["code": .int(400), "is_success": .bool(false), "user_message": .string(Self.hostile),
                                   "developer_message": .string(Self.hostile)]),
                "data": .object([Self.hostile: .string(Self.hostile)]),
            ])
            fixture.server.faults.add(FaultRule(.respond(status: 400, json: body.compactText), times: 2, method: "GET",
                                                pathContains: "/jobs/"))
            for (name, console, settings) in Self.consoles() {
                let output = await fixture.shell(settings: settings, console: console).run("jobs")
                #expect(output.status == 3, "\(name): \(output)")
                #expect(output.stderrLines.count == 1 && output.stderr.contains(Self.visibleFirstLine), "\(name): \(output)")
                Self.expectInert(output, terminal: name == "terminal")
            }
        }
    }

    @Test("the prompt shows an account name from the server visibly")
    func prompt() async throws {
        try await SandboxFixture.with { fixture in
            defer { fixture.server.faults.clear() }
            let account = JSONValue.object(["id": .int(DemoWorld.accountID), "name": .string(Self.hostile)])
            let body = JSONValue.object(["status": .object(["code": .int(200), "is_success": .bool(true)]),
                                         "data": .array([account]), "extra": .object([:])])
            fixture.server.faults.add(FaultRule(.respond(status: 200, json: body.compactText), times: 1, method: "GET",
                                                pathContains: "/accounts/"))
            let shell = fixture.shell(account: false)
            let output = await shell.run("use account 43")
            #expect(output.status == 0, "\(output)")
            #expect(shell.session.prompt == "dbt evil^[]0;pwned^G^[[ > ", "\(shell.session.prompt.debugDescription)")
            let context = await shell.run("context")
            #expect(context.stdoutLines.first == "account: 43 (\(Self.visible))", "\(context)")
        }
    }

    @Test("a notice above the prompt shows its control characters")
    func notices() {
        let board = NoticeBoard()
        let posted = Mutex<[String]>([])
        board.connect { message in posted.withLock { $0.append(message) } }
        board.post("run 5 finished: " + Self.hostile)
        #expect(posted.withLock { $0 } == ["run 5 finished: " + Self.visible])
    }

    @Test("JSON that commands encode escapes DEL and C1 controls too")
    func encodedJSON() throws {
        let value = ["name": "a\u{7F}b\u{9B}c\u{1B}d"]
        let text = try JSONText.encode(value)
        #expect(!text.unicodeScalars.contains { VisibleControls.isControl($0) }, "\(text.debugDescription)")
        #expect(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)) == value)
        #expect(JSONValue.string("a\u{7F}\u{85}").compactText == "\"a\\u007f\\u0085\"")
    }
}
