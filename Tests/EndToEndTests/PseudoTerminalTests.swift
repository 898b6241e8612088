import Foundation
import Testing

/// The harness itself, against small real programs.
@Suite("Pseudo-terminal harness", .serialized)
struct PseudoTerminalTests {
    @Test func catEchoesInCanonicalMode() throws {
        let terminal = try PseudoTerminal(executable: URL(fileURLWithPath: "/bin/cat"))
        try terminal.send("hello\n")
        try terminal.expect("hello\nhello\n")
        try terminal.send("\u{04}")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func controlCIsASignalToTheChild() throws {
        let terminal = try PseudoTerminal(executable: URL(fileURLWithPath: "/bin/cat"))
        try terminal.send("\u{03}")
        #expect(try terminal.waitForExit() == -SIGINT)
    }

    @Test func theChildSeesItsWindowSizeAndEnvironment() throws {
        let terminal = try PseudoTerminal(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", "stty size; echo \"$LANG $TERM\"; ls /proc/self/fd | tr '\\n' ' '; echo; read line; stty size"],
            columns: 100,
            rows: 30
        )
        try terminal.expect("30 100\n")
        try terminal.expect("C.UTF-8 xterm\n")
        let descriptors = try terminal.expect("\n").split(separator: " ").filter { !$0.contains("\n") }
        #expect(descriptors.count <= 4, "the child inherited descriptors: \(descriptors)")
        terminal.resize(columns: 60, rows: 20)
        try terminal.send("go\n")
        try terminal.expect("20 60\n")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func aHungChildIsKilled() throws {
        let terminal = try PseudoTerminal(executable: URL(fileURLWithPath: "/bin/sleep"), arguments: ["30"])
        let started = Date()
        #expect(throws: PseudoTerminal.Failure.self) { try terminal.waitForExit(timeout: 0.3) }
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test func expectOnlyMatchesUnconsumedOutput() throws {
        let terminal = try PseudoTerminal(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "printf 'one\\033[1mtwo\\033[0m\\r\\none\\n'"])
        try terminal.expect("onetwo\n")
        try terminal.expect("one\n")
        #expect(throws: PseudoTerminal.Failure.self) { try terminal.expect("one", timeout: 0.3) }
        #expect(try terminal.waitForExit() == 0)
    }
}
