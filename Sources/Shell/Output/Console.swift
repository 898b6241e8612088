import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where a command writes: data to `out`, progress and errors to `err` (SHELL.md §5).
public protocol Console: Sendable {
    func out(_ text: String)
    func err(_ text: String)
    var stdoutIsTerminal: Bool { get }
    var stderrIsTerminal: Bool { get }
    /// Terminal width in columns, or nil when stdout is not a terminal.
    var width: Int? { get }
}

extension Console {
    public func line(_ text: String = "") { out(text + "\n") }
    public func errorLine(_ text: String) { err(text + "\n") }
}

public final class StandardConsole: Console {
    private let held = Mutex<String?>(nil)
    public let stdoutIsTerminal: Bool
    public let stderrIsTerminal: Bool
    private let widthProvider: @Sendable () -> Int?

    public init(stdoutIsTerminal: Bool, stderrIsTerminal: Bool, width: @escaping @Sendable () -> Int?) {
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.widthProvider = width
    }

    public var width: Int? { stdoutIsTerminal ? widthProvider() : nil }
    public func out(_ text: String) {
        let kept = held.withLock { buffer -> Bool in
            guard buffer != nil else { return false }
            buffer! += text
            return true
        }
        if !kept { writeDirectly(text) }
    }

    public func err(_ text: String) { StandardStream.write(text, to: STDERR_FILENO) }
    public func writeDirectly(_ text: String) { StandardStream.write(text, to: STDOUT_FILENO) }
    public func startHolding() { held.withLock { $0 = "" } }
    public func stopHolding() -> String { held.withLock { buffer in defer { buffer = nil }; return buffer ?? "" } }
}

/// Writes with write(2). When the reader of stdout has gone (`dbtsh … | head -1`), the
/// process ends quietly with status 141, as a shell's SIGPIPE would, instead of trapping.
enum StandardStream {
    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else if written < 0, errno == EPIPE, descriptor == STDOUT_FILENO {
                    exit(141)
                } else {
                    return
                }
            }
        }
    }
}

/// Keeps what commands write, for tests and for output that goes through a pager.
public final class CapturingConsole: Console {
    private let buffers = Mutex<(out: String, err: String)>(("", ""))
    public let stdoutIsTerminal: Bool
    public let stderrIsTerminal: Bool
    public let width: Int?

    public init(stdoutIsTerminal: Bool = false, stderrIsTerminal: Bool = false, width: Int? = nil) {
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.width = width
    }

    public func out(_ text: String) { buffers.withLock { $0.out += text } }
    public func err(_ text: String) { buffers.withLock { $0.err += text } }
    public var stdout: String { buffers.withLock { $0.out } }
    public var stderr: String { buffers.withLock { $0.err } }
    public func reset() { buffers.withLock { $0 = ("", "") } }
}
