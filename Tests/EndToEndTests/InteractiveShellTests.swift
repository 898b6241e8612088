import Foundation
import Testing

/// The built `dbtsh --demo` on a real pseudo-terminal: libedit, signals and history for real.
@Suite("dbtsh in a pseudo-terminal", .serialized)
struct InteractiveShellTests {
    static let prompt = DemoTerminal.prompt

    private func startShell(home: URL? = nil, columns: Int = 80, environment: [String: String] = [:]) throws -> PseudoTerminal {
        try DemoTerminal.start(environment: ["NO_COLOR": "1"].merging(environment) { _, new in new }, home: home, columns: columns)
    }

    private func exitWithControlD(_ terminal: PseudoTerminal) throws {
        try terminal.type("\u{04}")
        let status = try terminal.waitForExit(timeout: 10)
        try check(status == 0, "exit status \(status)")
        try check(terminal.terminalIsRestored, "the terminal was left in raw mode")
    }

    @Test func tabCompletesAVerb() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("he\t")
            try shell.expect("help ")
            try shell.type("\r")
            try shell.expect(Self.prompt, timeout: 10)
            try exitWithControlD(shell)
        }
    }

    @Test func anUnknownVerbGetsASuggestion() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("hlep\r")
            try shell.expect("did you mean help?", timeout: 10)
            try shell.expect(Self.prompt)
            try exitWithControlD(shell)
        }
    }

    @Test func controlCAtThePromptKeepsTheShell() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("abc")
            try shell.expect("abc")
            try shell.type("\u{03}")
            try shell.expect("^C")
            try shell.expect(Self.prompt)
            try shell.type("\u{03}")
            try shell.expect(Self.prompt)
            try shell.type("hlep\r")
            try shell.expect("did you mean help?", timeout: 10)
            try exitWithControlD(shell)
        }
    }

    @Test func controlCStopsAWaitAndKeepsTheShell() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("use job 43167\r")
            try shell.expect("job 43167" + Self.prompt, timeout: 10)
            try shell.type("run --wait\r")
            try shell.expect("triggered run", timeout: 10)
            try shell.waitForCanonicalMode()
            try shell.send("\u{03}")
            try shell.expect("interrupted: stopped waiting; run ", timeout: 10)
            try shell.expect(" goes on in dbt Cloud ('cancel ", timeout: 10)
            try shell.expect(Self.prompt, timeout: 10)
            try shell.type("hlep\r")
            try shell.expect("did you mean help?", timeout: 10)
            try exitWithControlD(shell)
        }
    }

    @Test func aRunFinishingInTheBackgroundIsAnnouncedAboveTheLineBeingTyped() async throws {
        try await onOwnThread {
            let shell = try startShell(environment: ["DBTSH_DEMO_STEP_SECONDS": "0.4"])
            try shell.type("use job 43168\r")
            try shell.expect("job 43168" + Self.prompt, timeout: 10)
            try shell.type("run\r")
            try shell.expect("triggered run", timeout: 10)
            try shell.expect(Self.prompt, timeout: 10)
            try shell.type("he")
            try shell.expect("he")
            try shell.expect("[notice] run", timeout: 60)
            try shell.expect(Self.prompt + "he")
            try shell.type("\t")
            try shell.expect("lp ")
            try shell.type("\r")
            try shell.expect("Ctrl-C stops a command", timeout: 10)
            try shell.expect(Self.prompt)
            try exitWithControlD(shell)
        }
    }

    @Test func controlDExitsZeroAndRestoresTheTerminal() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try exitWithControlD(shell)
        }
    }

    @Test func exitLeavesWithStatusZero() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("exit\r")
            let status = try shell.waitForExit(timeout: 10)
            try check(status == 0, "exit status \(status)")
            try check(shell.terminalIsRestored, "the terminal was left in raw mode")
        }
    }

    @Test func aSecondSessionFindsTheFirstSessionsHistory() async throws {
        try await onOwnThread {
            let home = try PseudoTerminal.makeTemporaryHome()
            defer { try? FileManager.default.removeItem(at: home) }
            do {
                let first = try startShell(home: home)
                try first.type("help use\r")
                try first.expect(Self.prompt, timeout: 10)
                try exitWithControlD(first)
            }
            let file = home.appendingPathComponent("state/dbtsh/history")
            try check(FileManager.default.fileExists(atPath: file.path), "no history file after the first session")
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
            try check(mode?.intValue == 0o600, "history file mode \(String(mode?.intValue ?? 0, radix: 8))")

            let second = try startShell(home: home)
            try second.type("\u{1B}[A")
            try second.expect("help use")
            try second.type("\u{03}")
            try second.expect(Self.prompt)
            try exitWithControlD(second)
        }
    }

    @Test func nonASCIIInputSurvivesWithoutALocaleInTheEnvironment() async throws {
        try await onOwnThread {
            let shell = try startShell(environment: ["LANG": "", "LC_ALL": ""])
            try shell.type("hélp 日本\r")
            try shell.expect("'hélp'", timeout: 10)
            try shell.expect(Self.prompt)
            try exitWithControlD(shell)
        }
    }

    @Test func aResizedWindowStillEdits() async throws {
        try await onOwnThread {
            let shell = try startShell(columns: 100)
            try shell.type("hl")
            try shell.expect("hl")
            shell.resize(columns: 40, rows: 24)
            try shell.expect(Self.prompt + "hl")
            try shell.type("ep\r")
            try shell.expect("did you mean help?", timeout: 10)
            try exitWithControlD(shell)
        }
    }

    @Test func aCompletionListTallerThanTheScreenAsksFirst() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("use job \t")
            try shell.expect("Display all 141 possibilities? (y or n)", timeout: 10)
            try shell.type("n")
            try shell.expect(Self.prompt + "use job ")
            try shell.type("\t")
            try shell.expect("(y or n)", timeout: 10)
            try shell.type("y")
            try shell.expect("Nightly build")
            try shell.expect(Self.prompt + "use job ")
            try shell.type("\u{03}")
            try shell.expect(Self.prompt)
            try exitWithControlD(shell)
        }
    }

    @Test func controlZAndFgUnderAJobControlShellKeepTheLine() async throws {
        try await onOwnThread {
            let dbtsh = try ProductLocator.executable(named: "dbtsh")
            let bash = try PseudoTerminal(
                executable: URL(fileURLWithPath: "/bin/bash"),
                arguments: ["--norc", "--noprofile", "-i"],
                environment: ["PS1": "outer$ ", "NO_COLOR": "1"]
            )
            try bash.expect("outer$ ")
            try bash.type("'\(dbtsh.path)' --demo\r")
            try bash.expect(Self.prompt, timeout: 30)
            try bash.type("hl")
            try bash.expect("hl")
            for _ in 0..<2 {
                try bash.send("\u{1A}")
                try bash.expect("Stopped", timeout: 10)
                try bash.expect("outer$ ")
                try bash.type("fg\r")
                try bash.expect(Self.prompt + "hl", timeout: 10)
            }
            try bash.type("ep\r")
            try bash.expect("did you mean help?", timeout: 10)
            try bash.expect(Self.prompt)
            try bash.type("\u{04}")
            try bash.expect("outer$ ", timeout: 10)
            try bash.type("stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e echo | tr '\\n' ,; echo\r")
            try bash.expect("icanon,echo,")
            try bash.type("exit\r")
            try bash.waitForExit()
        }
    }

    @Test func controlRFindsAnEarlierLine() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("hlepx\r")
            try shell.expect("'hlepx'", timeout: 10)
            try shell.expect(Self.prompt)
            try shell.type("help use\r")
            try shell.expect(Self.prompt, timeout: 10)
            try shell.type("\u{12}epx")
            try shell.expect("epx")
            try shell.type("\r")
            try shell.expect("'hlepx'", timeout: 10)
            try shell.expect(Self.prompt)
            try exitWithControlD(shell)
        }
    }

    @Test func anExternalStopAndContinueRedrawsTheLine() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("hl")
            try shell.expect("hl")
            kill(shell.processID, SIGSTOP)
            try waitUntilStopped(shell.processID)
            kill(shell.processID, SIGCONT)
            try shell.expect(Self.prompt + "hl")
            try shell.type("ep\r")
            try shell.expect("did you mean help?", timeout: 10)
            try exitWithControlD(shell)
        }
    }

    @Test func sigtermWhileEditingRestoresTheTerminal() async throws {
        try await onOwnThread {
            let shell = try startShell()
            try shell.type("hl")
            try shell.expect("hl")
            try check(shell.isRaw, "the terminal is not in raw mode while editing")
            kill(shell.processID, SIGTERM)
            let status = try shell.waitForExit(timeout: 10)
            try check(status == -SIGTERM, "exit status \(status)")
            try check(shell.terminalIsRestored, "the terminal was left in raw mode")
        }
    }
}
