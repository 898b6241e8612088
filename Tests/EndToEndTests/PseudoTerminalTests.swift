import Foundation
import Testing

/// The harness itself, against small real programs.
@Suite("Pseudo-terminal harness", .serialized)
struct PseudoTerminalTests {
    @Test func catEchoesInCanonicalMode() async throws {
        let status = try await onOwnThread {
            let terminal = try PseudoTerminal(executable: URL(fileURLWithPath: "/bin/cat"))
            try terminal.send("hello\n")
            try terminal.expect("hello\nhello\n")
            try terminal.send("\u{04}")
            return try terminal.waitForExit()
        }
        #expect(status == 0)
    }

    @Test func controlCIsASignalToTheChild() async throws {
        let status = try await onOwnThread {
            let terminal = try PseudoTerminal(executable: URL(fileURLWithPath: "/bin/cat"))
            try terminal.send("\u{03}")
            return try terminal.waitForExit()
        }
        #expect(status == -SIGINT)
    }

    @Test func theChildSeesItsWindowSizeAndEnvironmentAndNoStrayDescriptors() async throws {
        let descriptors = try await onOwnThread { () -> [String] in
            let terminal = try PseudoTerminal(
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", "stty size; echo \"$LANG $TERM\"; ls /proc/self/fd | tr '\\n' ' '; echo; read line; stty size"],
                columns: 100,
                rows: 30
            )
            try terminal.expect("30 100\n")
            try terminal.expect("C.UTF-8 xterm\n")
            let listed = try terminal.expect("\n").split(separator: " ").map(String.init).filter { !$0.contains("\n") }
            terminal.resize(columns: 60, rows: 20)
            try terminal.send("go\n")
            try terminal.expect("20 60\n")
            let status = try terminal.waitForExit()
            try check(status == 0, "exit status \(status)")
            return listed
        }
        // 0, 1, 2 and the descriptor `ls` reads /proc/self/fd with.
        #expect(descriptors.count <= 4, "the child inherited descriptors: \(descriptors)")
    }

    @Test func aHungChildIsKilled() async throws {
        let (killed, elapsed) = try await onOwnThread { () -> (Bool, Double) in
            let terminal = try PseudoTerminal(executable: URL(fileURLWithPath: "/bin/sleep"), arguments: ["30"])
            let started = Date()
            do {
                try terminal.waitForExit(timeout: 0.3)
                return (false, Date().timeIntervalSince(started))
            } catch {
                return (true, Date().timeIntervalSince(started))
            }
        }
        #expect(killed)
        // Time is the behaviour: the 0.3 s timeout must end it long before sleep's own 30 s.
        #expect(elapsed < 20)
    }

    @Test func expectOnlyMatchesUnconsumedOutput() async throws {
        let (matchedTwice, status) = try await onOwnThread { () -> (Bool, Int32) in
            let terminal = try PseudoTerminal(
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", "printf 'one\\033[1mtwo\\033[0m\\r\\none\\n'"]
            )
            try terminal.expect("onetwo\n")
            try terminal.expect("one\n")
            let matchedTwice = (try? terminal.expect("one", timeout: 0.3)) != nil
            return (matchedTwice, try terminal.waitForExit())
        }
        #expect(!matchedTwice)
        #expect(status == 0)
    }
}
