import Foundation
import Synchronization
import TerminalText

/// A console device in memory, for tests and benchmarks: keeps what is written, rendered as
/// a terminal would get it where a stream is marked as a terminal, and answers reads from
/// `input`.
public final class CapturingConsole: ConsoleDevice {
    private struct Buffers {
        var out = ""
        var err = ""
        var input: [UInt8]
    }

    private let buffers: Mutex<Buffers>
    public let stdoutIsTerminal: Bool
    public let stderrIsTerminal: Bool
    public let size: TerminalSize
    public let standardInput: StandardInputUse

    public init(stdoutIsTerminal: Bool = false, stderrIsTerminal: Bool = false, width: Int? = nil,
                standardInput: StandardInputUse = .free, input: String = "") {
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.size = TerminalSize(columns: width ?? 80, rows: 24)
        self.standardInput = standardInput
        self.buffers = Mutex(Buffers(input: Array(input.utf8)))
    }

    public func write(_ text: ConsoleText, to stream: ConsoleStream) {
        let rendered = text.rendered
        buffers.withLock { stream == .out ? $0.out += rendered : ($0.err += rendered) }
    }

    public func writeBytes(_ bytes: Data) {
        buffers.withLock { $0.out += String(decoding: bytes, as: UTF8.self) }
    }

    public func isTerminal(_ stream: ConsoleStream) -> Bool {
        stream == .out ? stdoutIsTerminal : stderrIsTerminal
    }

    /// Kept as a carriage return before the text (a terminal also clears the line).
    public func replaceLine(_ text: ConsoleText, on stream: ConsoleStream) {
        let rendered = "\r" + text.rendered
        buffers.withLock { stream == .out ? $0.out += rendered : ($0.err += rendered) }
    }

    /// Kept as a form feed.
    public func clearScreen() {
        buffers.withLock { $0.out += "\u{0C}" }
    }

    public func readLine(cancelled: () -> Bool) -> String? {
        buffers.withLock { buffers in
            guard !buffers.input.isEmpty else { return nil }
            let end = buffers.input.firstIndex(of: UInt8(ascii: "\n")) ?? buffers.input.count
            let line = String(decoding: buffers.input[..<end], as: UTF8.self)
            buffers.input.removeFirst(min(end + 1, buffers.input.count))
            return line
        }
    }

    /// The prompt goes to standard error; the answer comes from `input`, as a terminal without echo would give it.
    public func readSecretLine(prompt: ConsoleText, cancelled: () -> Bool) -> String? {
        buffers.withLock { $0.err += prompt.rendered }
        return readLine(cancelled: cancelled)
    }

    public func readAll(maximum: Int, cancelled: () -> Bool) -> Data {
        buffers.withLock { buffers in
            let taken = buffers.input.prefix(maximum)
            buffers.input.removeFirst(taken.count)
            return Data(taken)
        }
    }

    public var stdout: String { buffers.withLock { $0.out } }
    public var stderr: String { buffers.withLock { $0.err } }
    public func reset() { buffers.withLock { $0.out = ""; $0.err = "" } }
}
