#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// What one child process cost: wall time from just before `posix_spawn` to its reaping,
/// the exit status, and the peak resident set size `wait4` reports for it.
struct ChildOutcome {
    var wallSeconds: Double
    var exitStatus: Int32
    /// `ru_maxrss` in bytes (Linux reports KiB).
    var peakRSSBytes: Int
    /// For pseudo-terminal runs: seconds from spawn until the prompt appeared.
    var promptSeconds: Double?
    var timedOut: Bool
    /// User + system CPU seconds of the child (less sensitive to a busy machine than wall time).
    var cpuSeconds: Double = 0
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Where a child's standard stream goes.
enum Redirect {
    case devNull
    case file(String, write: Bool)
}

/// Spawns processes with `posix_spawn` and reaps them with `wait4` for their rusage. Every
/// child has a deadline after which it is killed (by its own pid, which stays reserved until
/// it is reaped, see `reap`).
enum Spawner {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// A fresh environment: the same PATH, a private HOME and XDG dirs, plus `extra`.
    static func environment(home: String, extra: [String: String]) -> [String] {
        var env: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "XDG_CACHE_HOME": home + "/cache",
            "XDG_CONFIG_HOME": home + "/config",
            "XDG_DATA_HOME": home + "/data",
            "XDG_STATE_HOME": home + "/state",
            "LANG": "C.UTF-8",
        ]
        for (key, value) in extra { env[key] = value }
        return env.map { "\($0.key)=\($0.value)" }.sorted()
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String],
                    stdin: Redirect = .devNull, stdout: Redirect = .devNull, stderr: Redirect = .devNull,
                    timeout: Double = 60, measureRSS: Bool = false) throws -> ChildOutcome {
        let wrapped = RSSProbe.wrap(executable, arguments, enabled: measureRSS)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (fd, redirect) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch redirect {
            case .devNull:
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let path, let write):
                posix_spawn_file_actions_addopen(&actions, fd, path, write ? (O_WRONLY | O_CREAT | O_TRUNC) : O_RDONLY, 0o644)
            }
        }
        let start = now()
        let pid = try spawn(wrapped.executable, wrapped.arguments, environment: environment, actions: &actions, newSession: false)
        var outcome = reap(pid, start: start, timeout: timeout)
        wrapped.finish(&outcome)
        return outcome
    }

    /// Runs `executable` with a pseudo-terminal as its controlling terminal and standard
    /// streams; measures until `promptSeen` accepts the (escape-stripped) screen text, then
    /// types `afterPrompt` and waits for the process to end.
    static func runInTerminal(_ executable: String, _ arguments: [String], environment: [String],
                              afterPrompt: String, promptSeen: (String) -> Bool, timeout: Double = 20,
                              measureRSS: Bool = false) throws -> ChildOutcome {
        let wrapped = RSSProbe.wrap(executable, arguments, enabled: measureRSS)
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        var name = [CChar](repeating: 0, count: 4096) // openpty writes the slave's path here
        guard openpty(&master, &slave, &name, nil, &size) == 0 else { throw BenchError("openpty failed: errno \(errno)") }
        defer { close(master) }
        let slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addclose(&actions, slave)
        // After setsid, opening the terminal without O_NOCTTY makes it the controlling one.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        let start = now()
        let pid: pid_t
        do {
            pid = try spawn(wrapped.executable, wrapped.arguments, environment: environment, actions: &actions, newSession: true)
        } catch {
            close(slave)
            throw error
        }
        close(slave)

        var screen = [UInt8]()
        var promptAt: Double?
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = start + timeout
        readLoop: while now() < deadline {
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let remainingMS = Int32(max(1, (deadline - now()) * 1000))
            let ready = poll(&pfd, 1, min(remainingMS, 100))
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 { continue }
            let count = read(master, &buffer, buffer.count)
            if count <= 0 {
                if count < 0 && errno == EINTR { continue }
                break readLoop // EIO: every slave descriptor is closed, the child is gone
            }
            if promptAt == nil {
                screen.append(contentsOf: buffer[0..<count])
                if promptSeen(stripEscapes(screen)) {
                    promptAt = now() - start
                    let keys = Array(afterPrompt.utf8)
                    _ = keys.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
                }
            }
        }
        var outcome = reap(pid, start: start, timeout: max(0.5, deadline - now()))
        outcome.promptSeconds = promptAt
        wrapped.finish(&outcome)
        return outcome
    }

    /// The visible text: CSI/OSC escape sequences and carriage returns removed.
    static func stripEscapes(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x1B {
                index += 1
                guard index < bytes.count else { break }
                if bytes[index] == UInt8(ascii: "[") {
                    index += 1
                    while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    while index < bytes.count, bytes[index] != 0x07 { index += 1 }
                    index += 1
                } else {
                    index += 1
                }
                continue
            }
            if byte != UInt8(ascii: "\r") { out.append(byte) }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func spawn(_ executable: String, _ arguments: [String], environment: [String],
                              actions: inout posix_spawn_file_actions_t, newSession: Bool) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default signal dispositions and an empty mask in the child, whatever the bench has.
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)
        if newSession { flags |= 0x80 } // POSIX_SPAWN_SETSID (glibc ≥ 2.26)
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw BenchError("posix_spawn \(executable): \(String(cString: strerror(status)))") }
        return pid
    }

    /// Waits for `pid` (killing it after `timeout`), then reaps it with `wait4` for its rusage.
    /// `waitid(WNOWAIT)` first leaves it a zombie, so the watchdog can never hit a reused pid.
    private static func reap(_ pid: pid_t, start: Double, timeout: Double) -> ChildOutcome {
        let finished = Mutex(false)
        let killed = Mutex(false)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            finished.withLock { done in
                if !done {
                    kill(pid, SIGKILL)
                    killed.withLock { $0 = true }
                }
            }
        }
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        let end = now()
        finished.withLock { $0 = true }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exited = (status & 0x7F) == 0
        let code = exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return ChildOutcome(wallSeconds: end - start, exitStatus: code, peakRSSBytes: Int(usage.ru_maxrss) * 1024,
                            promptSeconds: nil, timedOut: killed.withLock { $0 }, cpuSeconds: cpu)
    }
}

/// The peak RSS of a child, exactly. `posix_spawn` starts the child with `vfork` semantics on
/// the bench's own address space, and Linux carries that address space's high-water mark into
/// the child's `ru_maxrss` at `execve`: `wait4` then reports at least the bench's RSS. A child
/// forked by a small process does not inherit much, so RSS runs go through GNU time
/// (`/usr/bin/time -f %M`), whose fork starts from ~2 MiB. Without GNU time, the `wait4`
/// figure is kept and marked as an upper bound.
struct RSSProbe {
    static let gnuTime = "/usr/bin/time"
    static let available: Bool = {
        guard FileManager.default.isExecutableFile(atPath: gnuTime) else { return false }
        // GNU time knows -f and -o; the BSD one does not.
        let probe = NSTemporaryDirectory() + "dbtsh-bench-time-probe-\(getpid())"
        defer { unlink(probe) }
        guard let outcome = try? Spawner.run(gnuTime, ["-f", "%M", "-o", probe, "/bin/true"],
                                             environment: ["PATH=/usr/bin:/bin"], timeout: 10),
              outcome.exitStatus == 0,
              let text = try? String(contentsOfFile: probe, encoding: .utf8) else { return false }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) != nil
    }()

    var executable: String
    var arguments: [String]
    var output: String?

    static func wrap(_ executable: String, _ arguments: [String], enabled: Bool) -> RSSProbe {
        guard enabled, available else { return RSSProbe(executable: executable, arguments: arguments, output: nil) }
        let output = NSTemporaryDirectory() + "dbtsh-bench-rss-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        return RSSProbe(executable: gnuTime, arguments: ["-f", "%M", "-o", output, executable] + arguments, output: output)
    }

    /// Replaces the inherited `ru_maxrss` with GNU time's figure for the real child.
    func finish(_ outcome: inout ChildOutcome) {
        guard let output else { return }
        defer { unlink(output) }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        // "Command exited with non-zero status N" may come first; the number is the last line.
        if let last = text.split(separator: "\n").last, let kib = Int(last.trimmingCharacters(in: .whitespaces)) {
            outcome.peakRSSBytes = kib * 1024
        }
    }
}
