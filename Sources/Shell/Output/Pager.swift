import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `set pager on`: a command's output is held back and, when it is taller than the
/// terminal, shown through `$PAGER` (default `less -FRX`).
public protocol PageableConsole: Console {
    func startHolding()
    /// Stops holding and returns what was held.
    func stopHolding() -> String
    func writeDirectly(_ text: String)
}

extension StandardConsole: PageableConsole {}

enum Pager {
    static func present(_ text: String, console: any PageableConsole, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let rows = terminalRows() ?? 24
        let lineCount = text.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
        guard lineCount >= rows - 1, let command = pagerCommand(environment) else {
            console.writeDirectly(text)
            return
        }
        if !run(command, input: text) { console.writeDirectly(text) }
    }

    static func pagerCommand(_ environment: [String: String]) -> [String]? {
        if let pager = environment["PAGER"]?.trimmingWhitespace, !pager.isEmpty {
            if pager == "cat" { return nil }
            return ["/bin/sh", "-c", pager]
        }
        return ["/bin/sh", "-c", "less -FRX"]
    }

    static func terminalRows() -> Int? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }

    /// Spawns the pager with the text on its stdin and default signal handling, and waits.
    static func run(_ command: [String], input: String) -> Bool {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return false }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, fds[1])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGTSTP, SIGPIPE, SIGWINCH] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, command[0], &actions, &attributes, arguments, environ)
        close(fds[0])
        guard spawned == 0 else {
            close(fds[1])
            return false
        }
        input.utf8CString.withUnsafeBufferPointer { buffer in
            var offset = 0
            let count = buffer.count - 1
            while offset < count {
                let written = write(fds[1], buffer.baseAddress! + offset, count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        close(fds[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return true
    }
}
