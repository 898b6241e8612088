import DbtCloud
import Foundation
import Sandbox
import Shell
import Synchronization
import TerminalIO
import TerminalText
import Testing

/// A scratch directory removed when the test ends.
struct ScratchDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-console-\(UUID().uuidString.prefix(8))")

    init() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func contents(_ name: String) -> String { String(decoding: FileManager.default.contents(atPath: path(name)) ?? Data(), as: UTF8.self) }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// One command's standard output routed elsewhere (the hook `CMD > FILE`, `CMD >> FILE` and
/// `CMD | sh-command` build on), with real files and real processes.
@Suite("console: redirection of one command's output", .sandbox())
struct OutputRedirectionTests {
    @Test("a command's output goes to a file whole: not cut to the terminal, no colour; errors stay on the console")
    func toAFile() async throws {
        try await withShell { _, fixture in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            var colour = Settings()
            colour.color = true
            let shell = fixture.shell(settings: colour, console: CapturingConsole(stdoutIsTerminal: true, stderrIsTerminal: true, width: 30))
            let file = try FileOutput(path: scratch.path("jobs.txt"), append: false)
            let output = await shell.session.console.redirectingOutput(to: file) { await shell.run("jobs; show job 1") }
            try file.close()
            #expect(output.stdout.isEmpty, "\(output)")
            #expect(output.stderrLines.count == 1 && output.stderr.contains("404"), "\(output)")
            let written = scratch.contents("jobs.txt")
            #expect(written.split(separator: "\n").count == 142, "a header and 141 jobs")
            #expect(written.contains("Nightly build") && !written.contains("…"), "not cut to 30 columns")
            #expect(!written.contains("\u{1B}"), "no colour in a file")
            let after = await shell.run("context")
            #expect(after.stdout.hasPrefix("account: 43"), "back on the console afterwards: \(after)")
        }
    }

    @Test("appending keeps what the file held; redirections nest and unwind")
    func appendAndNest() async throws {
        try await withShell { shell, _ in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            try Data("before\n".utf8).write(to: URL(fileURLWithPath: scratch.path("log")))
            let outer = try FileOutput(path: scratch.path("log"), append: true)
            let inner = try FileOutput(path: scratch.path("inner"), append: false)
            let console = shell.session.console
            await console.redirectingOutput(to: outer) {
                console.line("outer 1")
                await console.redirectingOutput(to: inner) { console.line("inner") }
                console.line("outer 2")
            }
            try outer.close()
            try inner.close()
            console.line("console")
            #expect(scratch.contents("log") == "before\nouter 1\nouter 2\n")
            #expect(scratch.contents("inner") == "inner\n")
            #expect(shell.console.stdout == "console\n")
        }
    }

    @Test("a file that cannot be opened is a one-line usage error")
    func unwritableFile() {
        #expect(throws: CommandFailure.self) { try FileOutput(path: "/no/such/directory/out.txt", append: false) }
    }

    @Test("a command's output piped into a shell command, which sees it on its standard input")
    func toAProcess() async throws {
        try await withShell { shell, _ in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let launcher = ShellProcessLauncher(environment: [:])
            let process = try launcher.startShellCommand("wc -l > '\(scratch.path("count"))'", rendersStyles: false)
            let output = await shell.session.console.redirectingOutput(to: process) { await shell.run("jobs") }
            #expect(await process.finish() == 0)
            #expect(output.stdout.isEmpty)
            #expect(scratch.contents("count").trimmingCharacters(in: .whitespacesAndNewlines) == "142")
        }
    }
}

@Suite("console: processes started with posix_spawn")
struct ProcessLauncherTests {
    let launcher = ShellProcessLauncher(environment: [:])

    @Test("the text arrives on standard input; styles only when the process renders them (a pager)")
    func textAndStyles() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text: ConsoleText = "\("ID", style: .heading) \("Evil\u{1B}]0;x\u{7}", style: .failure)\n"
        for (name, renders) in [("plain", false), ("styled", true)] {
            let process = try launcher.startShellCommand("cat > '\(scratch.path(name))'", rendersStyles: renders)
            #expect(process.isTerminal == renders)
            process.write(text)
            #expect(await process.finish() == 0)
        }
        #expect(scratch.contents("plain") == "ID Evil^[]0;x^G\n")
        #expect(scratch.contents("styled") == "\u{1B}[1mID\u{1B}[0m \u{1B}[31mEvil^[]0;x^G\u{1B}[0m\n")
    }

    @Test("the exit status, or 128 + the signal that ended it")
    func exitStatus() async throws {
        #expect(try await launcher.startShellCommand("exit 3", rendersStyles: false).finish() == 3)
        #expect(try await launcher.startShellCommand("kill -TERM $$", rendersStyles: false).finish() == 128 + SIGTERM)
    }

    @Test("a process that stops reading ends the output, not the shell")
    func stopsReading() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let process = try launcher.startShellCommand("head -c 5 > '\(scratch.path("head"))'", rendersStyles: false)
        let line = ConsoleText(String(repeating: "x", count: 1_023) + "\n")
        for _ in 0..<2_048 { process.write(line) }  // 2 MiB: far more than a pipe holds
        #expect(await process.finish() == 0)
        #expect(scratch.contents("head") == "xxxxx")
    }

    @Test("the pager is $PAGER, none for cat, less -FRX by default")
    func pagerCommand() {
        #expect(ShellProcessLauncher(environment: [:]).pagerCommand == "less -FRX")
        #expect(ShellProcessLauncher(environment: ["PAGER": "  "]).pagerCommand == "less -FRX")
        #expect(ShellProcessLauncher(environment: ["PAGER": "cat"]).pagerCommand == nil)
        #expect(ShellProcessLauncher(environment: ["PAGER": "most -s"]).pagerCommand == "most -s")
    }
}

@Suite("console: the pager", .sandbox())
struct PagerTests {
    @Test("output taller than the terminal goes through $PAGER, with colour; shorter output is written directly")
    func tallOutputIsPaged() async throws {
        try await withShell { _, fixture in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            var settings = Settings()
            settings.color = true
            let launcher = ShellProcessLauncher(environment: ["PAGER": "cat > '\(scratch.path("paged"))'"])
            let shell = fixture.shell(interactive: true, settings: settings,
                                      console: CapturingConsole(stdoutIsTerminal: true, stderrIsTerminal: true, width: 200),
                                      processes: launcher)
            let tall = await shell.run("set pager on; jobs")
            #expect(tall.status == 0 && tall.stdout.isEmpty, "\(tall)")
            let paged = scratch.contents("paged")
            #expect(paged.hasPrefix("\u{1B}[1m") && paged.split(separator: "\n").count == 142, "\(paged.prefix(200).debugDescription)")
            let short = await shell.run("context")
            #expect(short.stdout.hasPrefix("account: 43"), "\(short)")
        }
    }

    @Test("without a terminal there is no pager")
    func noPagerThroughAPipe() async throws {
        try await withShell { _, fixture in
            let launcher = ShellProcessLauncher(environment: ["PAGER": "false"])
            let shell = fixture.shell(interactive: true, processes: launcher)
            let output = await shell.run("set pager on; jobs")
            #expect(output.stdout.tableRows.count == 141, "\(output.stderr)")
        }
    }
}

/// Commands that read standard input go through the console: never the script's own lines.
@Suite("console: standard input", .sandbox())
struct StandardInputTests {
    static func query(_ name: String) -> String {
        "query \(name) { environment(id: 202) { applied { models(first: 1) { totalCount } } } }"
    }

    @Test("query - in a piped script is refused in one line: standard input is the script")
    func refusedWhenStdinIsTheScript() async throws {
        try await withShell { _, fixture in
            let console = CapturingConsole(standardInput: .script, input: "context\n")
            let output = await fixture.shell(console: console).run("query -")
            #expect(output.status == 2, "\(output)")
            #expect(output.stderrLines == ["error: query -: standard input is the script being run; put the text in a file and give its path"])
            #expect(console.readLine(cancelled: { false }) == "context", "the script's next line is still there")
            let job = await fixture.shell(console: CapturingConsole(standardInput: .script)).run("job create --file -")
            #expect(job.status == 2 && job.stderr.contains("job create: standard input is the script"), "\(job)")
        }
    }

    @Test("query - reads standard input when it is free (-c, a script file)")
    func readsFreeStdin() async throws {
        try await withShell { _, fixture in
            let shell = fixture.shell(console: CapturingConsole(standardInput: .free, input: Self.query("FreeInput")))
            let output = await shell.run("query -")
            #expect(output.status == 0, "\(output)")
            #expect(output.json?["environment"] != nil || output.json?["data"] != nil, "\(output)")
            let sent = shell.requests(method: "POST", pathContains: "graphql")
                .filter { $0.body.map { String(decoding: $0, as: UTF8.self) }?.contains("FreeInput") == true }
            #expect(sent.count == 1, "the query read from standard input was sent once")
        }
    }

    @Test("on a terminal, the user is told how to end the input")
    func terminalHint() async throws {
        try await withShell { _, fixture in
            let output = await fixture.shell(console: CapturingConsole(standardInput: .terminal, input: Self.query("TerminalInput"))).run("query -")
            #expect(output.status == 0, "\(output)")
            #expect(output.stderr.contains("query -: reading standard input; end it with Ctrl-D"), "\(output)")
        }
    }

    @Test("job delete asks on the terminal: no keeps the job, yes deletes it")
    func confirmation() async throws {
        try await withShell { _, fixture in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let created = await fixture.shell().run("job export 43167 -o '\(scratch.path("job.json"))'; job import '\(scratch.path("job.json"))'")
            let jobID = try #require(created.stdoutLines.last.flatMap { Int($0) }, "\(created)")
            let kept = await fixture.shell(interactive: true, console: CapturingConsole(standardInput: .terminal, input: "n\n"))
                .run("job delete \(jobID)")
            #expect(kept.stderr.contains("delete job \(jobID) 'Nightly build'? [y/N] not deleted"), "\(kept)")
            #expect(await fixture.shell().run("show job \(jobID)").status == 0)
            let deleted = await fixture.shell(interactive: true, console: CapturingConsole(standardInput: .terminal, input: "yes\n"))
                .run("job delete \(jobID)")
            #expect(deleted.stderr.contains("deleted job \(jobID)"), "\(deleted)")
            #expect(await fixture.shell().run("show job \(jobID)").status == 3)
        }
    }
}
