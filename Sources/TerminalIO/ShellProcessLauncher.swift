import Foundation
import Shell
import Synchronization
import TerminalText
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts `/bin/sh -c COMMAND` with posix_spawn for the pager and `CMD | sh-command`.
public struct ShellProcessLauncher: ProcessLauncher {
    public let pagerCommand: String?

    /// The pager is `$PAGER` (none when it is `cat`), default `less -FRX`.
    public init(environment: [String: String]) {
        let pager = environment["PAGER"]?.trimmingCharacters(in: .whitespaces) ?? ""
        pagerCommand = pager.isEmpty ? "less -FRX" : (pager == "cat" ? nil : pager)
    }

    public func startShellCommand(_ command: String, rendersStyles: Bool) throws -> any RunningProcess {
        try SpawnedProcess(arguments: ["/bin/sh", "-c", command], rendersStyles: rendersStyles)
    }
}

/// A child process whose standard input is a pipe from us; its standard output and error
/// are ours, its signals are back to their defaults.
final class SpawnedProcess: RunningProcess {
    let pid: pid_t
    let isTerminal: Bool
    /// The write end of the pipe to its standard input; nil once closed, or once it stopped reading.
    private let input: Mutex<Int32?>

    init(arguments: [String], rendersStyles: Bool) throws {
        isTerminal = rendersStyles
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CommandFailure.usage("cannot start '\(arguments.last ?? "")': no pipe (\(Self.reason()))") }
        for descriptor in fds { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO)
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
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, cArguments, environ)
        close(fds[0])
        guard spawned == 0 else {
            close(fds[1])
            throw CommandFailure.usage("cannot start '\(arguments.last ?? "")': \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        self.input = Mutex(fds[1])
    }

    func write(_ text: ConsoleText) {
        writeBytes(Data((isTerminal ? text.rendered : text.plain).utf8))
    }

    /// Once the process stops reading, the rest of the output is dropped.
    func writeBytes(_ bytes: Data) {
        input.withLock { descriptor in
            guard let open = descriptor else { return }
            if DescriptorWriter.send(bytes, to: open) != .written {
                close(open)
                descriptor = nil
            }
        }
    }

    func finish() async -> Int32 {
        input.withLock { descriptor in
            if let open = descriptor { close(open) }
            descriptor = nil
        }
        let pid = self.pid
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Self.waitForExit(of: pid)) }
        }
    }

    func interrupt() {
        kill(pid, SIGINT)
    }

    /// The exit status, or 128 + the signal that ended it.
    static func waitForExit(of pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return 127 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
