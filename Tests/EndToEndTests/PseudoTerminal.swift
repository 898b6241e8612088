import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A program running on a fresh pseudo-terminal, driven like a user at a keyboard.
///
/// Output is read from the master side; `expect` matches text (CSI/OSC escapes, carriage
/// returns and bells removed) that earlier expectations have not consumed yet.
final class PseudoTerminal {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let processID: pid_t
    let home: URL
    private let master: Int32
    private var raw: [UInt8] = []
    private var consumed = 0
    private var exitStatus: Int32?

    /// Starts `executable` in its own session with the pty as controlling terminal.
    init(
        executable: URL,
        arguments: [String] = [],
        environment extra: [String: String] = [:],
        home: URL? = nil,
        columns: Int = 80,
        rows: Int = 24
    ) throws {
        let home = try home ?? Self.makeTemporaryHome()
        self.home = home

        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        var environment = [
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "xterm",
            "HOME": home.path,
            "XDG_STATE_HOME": home.appendingPathComponent("state").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path,
            "XDG_CACHE_HOME": home.appendingPathComponent("cache").path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        environment.merge(extra) { _, new in new }
        let argv = [executable.path] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }

        // Serialised: until FD_CLOEXEC is set, a child spawned by a parallel test would
        // inherit this pty's descriptors.
        let (master, pid) = try Self.spawnLock.withLock { _ in
            try Self.spawn(executable: executable, argv: argv, envp: envp, size: &size)
        }
        self.master = master
        self.processID = pid
    }

    private static let spawnLock = Mutex(())

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc ≥ 2.34 has `posix_spawn_file_actions_addclosefrom_np`, but Swift's Glibc module
    /// does not export it.
    private static var addCloseFrom: AddCloseFrom? {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }

    private static func spawn(
        executable: URL,
        argv: [String],
        envp: [String],
        size: inout winsize
    ) throws -> (master: Int32, pid: pid_t) {
        var master: Int32 = -1
        var slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, &size) == 0 else {
            throw Failure(description: "openpty failed: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        defer { close(slave) }
        // ttyname's static buffer is shared by tests running in parallel: use ttyname_r.
        var nameBuffer = [CChar](repeating: 0, count: 256)
        guard ttyname_r(slave, &nameBuffer, nameBuffer.count) == 0 else {
            close(master)
            throw Failure(description: "ttyname_r failed")
        }
        let slaveName = String(decoding: nameBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid, so the pty becomes the child's controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slaveName, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        // Descriptors of other tests (their pipes) must not stay open in this child.
        if let closeFrom = Self.addCloseFrom {
            _ = closeFrom(&actions, 3)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test thread blocks SIGINT; the child must not inherit that.
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGTSTP, SIGWINCH, SIGPIPE, SIGTERM, SIGHUP, SIGCHLD, SIGTTIN, SIGTTOU, SIGCONT] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let setSessionID: Int32 = 0x80  // POSIX_SPAWN_SETSID, hidden behind _GNU_SOURCE
        posix_spawnattr_setflags(&attributes, Int16(setSessionID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let status = withCStrings(argv) { cArguments in
            withCStrings(envp) { cEnvironment in
                posix_spawn(&pid, executable.path, &actions, &attributes, cArguments, cEnvironment)
            }
        }
        guard status == 0 else {
            close(master)
            throw Failure(description: "posix_spawn \(executable.path) failed: \(String(cString: strerror(status)))")
        }
        return (master, pid)
    }

    deinit {
        if exitStatus == nil {
            kill(processID, SIGKILL)
            var status: Int32 = 0
            waitpid(processID, &status, 0)
        }
        close(master)
    }

    static func makeTemporaryHome() throws -> URL {
        let home = FileManager.default.temporaryDirectory
            .appendingPathComponent("dbtsh-pty-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return home
    }

    // MARK: Output

    /// Everything the program wrote, escapes included.
    var rawTranscript: String { String(decoding: raw, as: UTF8.self) }

    /// Everything the program wrote, cleaned.
    var transcript: String { String(decoding: Self.clean(raw), as: UTF8.self) }

    /// Waits until `text` appears in output not yet consumed; consumes through it and
    /// returns the consumed text.
    @discardableResult
    func expect(_ text: String, timeout: Double = 5) throws -> String {
        let needle = Array(text.utf8)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let cleaned = Self.clean(raw)
            if let range = Self.find(needle, in: cleaned, from: consumed) {
                let matched = String(decoding: cleaned[consumed..<range.upperBound], as: UTF8.self)
                consumed = range.upperBound
                return matched
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 || !readAvailable(waitingUpTo: remaining) && exitStatus != nil {
                let pending = String(decoding: cleaned[min(consumed, cleaned.count)...], as: UTF8.self)
                throw Failure(description: "expected \(text.debugDescription) within \(timeout)s; unconsumed output: \(pending.debugDescription)")
            }
        }
    }

    /// Presses `keys` (TAB) until `text` appears: a listing that completion fetches in the
    /// background shows on a later press when the machine is slow, never on a fixed schedule.
    @discardableResult
    func pressUntil(_ text: String, keys: String = "\t", attempts: Int = 15, each: Double = 2) throws -> String {
        var lastFailure: (any Error)?
        for _ in 0..<attempts {
            try type(keys)
            do {
                return try expect(text, timeout: each)
            } catch {
                lastFailure = error
            }
        }
        throw lastFailure ?? Failure(description: "expected \(text.debugDescription) after pressing \(keys.debugDescription)")
    }

    /// Reads whatever arrives within `seconds` and returns the unconsumed output, consuming it.
    func drain(for seconds: Double) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while deadline.timeIntervalSinceNow > 0 {
            _ = readAvailable(waitingUpTo: deadline.timeIntervalSinceNow)
        }
        let cleaned = Self.clean(raw)
        let rest = String(decoding: cleaned[min(consumed, cleaned.count)...], as: UTF8.self)
        consumed = cleaned.count
        return rest
    }

    /// Returns whether data arrived (false on timeout or when the child side is closed).
    private func readAvailable(waitingUpTo seconds: Double) -> Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(max(1, min(seconds, 1) * 1000))
        let ready = poll(&descriptor, 1, milliseconds)
        guard ready > 0 else {
            reapIfExited()
            return false
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        guard count > 0 else {
            reapIfExited()
            if exitStatus == nil { usleep(10_000) }
            return false
        }
        raw.append(contentsOf: chunk[0..<count])
        return true
    }

    // MARK: Input

    /// Types `keys` once the program has switched the terminal out of canonical mode
    /// (libedit draws its prompt before it does, so the prompt text alone is not enough).
    func type(_ keys: String, timeout: Double = 5) throws {
        try waitForRawMode(timeout: timeout)
        try send(keys)
    }

    /// Writes `keys` at once, whatever the terminal mode.
    func send(_ keys: String) throws {
        var bytes = Array(keys.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failure(description: "write to the pty failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    var isRaw: Bool {
        var mode = termios()
        guard tcgetattr(master, &mode) == 0 else { return false }
        return mode.c_lflag & tcflag_t(ICANON) == 0
    }

    func waitForRawMode(timeout: Double = 5) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !isRaw {
            if deadline.timeIntervalSinceNow <= 0 {
                throw Failure(description: "the terminal never left canonical mode; output: \(transcript.debugDescription)")
            }
            _ = readAvailable(waitingUpTo: 0.005)
        }
    }

    /// Whether the terminal reads a line without echoing it: canonical mode with echo off, as
    /// while a secret is read (libedit's raw mode has echo off too, but not canonical mode).
    var readsASecret: Bool {
        var mode = termios()
        guard tcgetattr(master, &mode) == 0 else { return false }
        return mode.c_lflag & tcflag_t(ICANON) != 0 && mode.c_lflag & tcflag_t(ECHO) == 0
    }

    /// Waits until the program reads a line without echo.
    func waitForEchoOff(timeout: Double = 5) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !readsASecret {
            if deadline.timeIntervalSinceNow <= 0 {
                throw Failure(description: "the terminal kept echoing; output: \(transcript.debugDescription)")
            }
            _ = readAvailable(waitingUpTo: 0.005)
        }
    }

    func waitForCanonicalMode(timeout: Double = 5) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while isRaw {
            if deadline.timeIntervalSinceNow <= 0 {
                throw Failure(description: "the terminal stayed in raw mode; output: \(transcript.debugDescription)")
            }
            _ = readAvailable(waitingUpTo: 0.005)
        }
    }

    /// Sets the window size; the kernel sends SIGWINCH to the foreground process group.
    func resize(columns: Int, rows: Int) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    // MARK: Exit

    /// Waits for the program to exit, reading its output meanwhile. A program still running
    /// at the deadline is killed with SIGKILL and reported as a failure.
    @discardableResult
    func waitForExit(timeout: Double = 5) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while exitStatus == nil {
            if deadline.timeIntervalSinceNow <= 0 {
                kill(processID, SIGKILL)
                var status: Int32 = 0
                waitpid(processID, &status, 0)
                exitStatus = -SIGKILL
                throw Failure(description: "still running after \(timeout)s, killed; output: \(transcript.debugDescription)")
            }
            _ = readAvailable(waitingUpTo: 0.05)
            reapIfExited()
        }
        while readAvailable(waitingUpTo: 0.01) {}
        return exitStatus ?? -1
    }

    /// The terminal mode after exit must be canonical with echo, as the user's shell expects.
    var terminalIsRestored: Bool {
        var mode = termios()
        guard tcgetattr(master, &mode) == 0 else { return false }
        return mode.c_lflag & tcflag_t(ICANON) != 0 && mode.c_lflag & tcflag_t(ECHO) != 0
    }

    private func reapIfExited() {
        guard exitStatus == nil else { return }
        var status: Int32 = 0
        if waitpid(processID, &status, WNOHANG) == processID {
            let signal = status & 0x7F
            exitStatus = signal == 0 ? (status >> 8) & 0xFF : -signal
        }
    }

    // MARK: Helpers

    /// Drops CSI and OSC sequences, other two-byte escapes, carriage returns and bells.
    static func clean(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x1B:
                index += 1
                guard index < bytes.count else { break }
                let introducer = bytes[index]
                if introducer == UInt8(ascii: "[") {
                    index += 1
                    while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
                } else if introducer == UInt8(ascii: "]") {
                    index += 1
                    while index < bytes.count, bytes[index] != 0x07 {
                        if bytes[index] == 0x1B { index += 1; break }
                        index += 1
                    }
                }
                index += 1
            case UInt8(ascii: "\r"), 0x07:
                index += 1
            default:
                result.append(byte)
                index += 1
            }
        }
        return result
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty else { return start..<start }
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for offset in start...(haystack.count - needle.count) where haystack[offset] == needle[0] {
            if haystack[offset..<(offset + needle.count)].elementsEqual(needle) {
                return offset..<(offset + needle.count)
            }
        }
        return nil
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
