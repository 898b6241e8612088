import Foundation
import LineEditor
import Shell
import TerminalText
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's own console: file descriptors 0, 1 and 2. Styles become escape codes only
/// on a stream that is a terminal.
public final class StandardConsole: ConsoleDevice {
    public let standardInput: StandardInputUse
    private let stdoutIsTerminal: Bool
    private let stderrIsTerminal: Bool
    private let onClosedStandardOutput: @Sendable () -> Void

    /// `onClosedStandardOutput` runs when the reader of standard output has gone
    /// (`dbtsh … | head -1`); the executable ends the process quietly there, as SIGPIPE would.
    public init(standardInput: StandardInputUse, onClosedStandardOutput: @escaping @Sendable () -> Void) {
        self.standardInput = standardInput
        self.stdoutIsTerminal = Terminal.stdoutIsTTY
        self.stderrIsTerminal = Terminal.stderrIsTTY
        self.onClosedStandardOutput = onClosedStandardOutput
        BrokenPipes.ignore()
    }

    public func write(_ text: ConsoleText, to stream: ConsoleStream) {
        let rendered = isTerminal(stream) ? text.rendered : text.plain
        write(Data(rendered.utf8), to: stream)
    }

    public func writeBytes(_ bytes: Data) {
        write(bytes, to: .out)
    }

    public func isTerminal(_ stream: ConsoleStream) -> Bool {
        stream == .out ? stdoutIsTerminal : stderrIsTerminal
    }

    public var size: TerminalSize {
        TerminalSize(columns: Terminal.columns(), rows: Terminal.rows())
    }

    public func replaceLine(_ text: ConsoleText, on stream: ConsoleStream) {
        guard isTerminal(stream) else { return }
        write(Data((TerminalControl.replaceLine + text.rendered).utf8), to: stream)
    }

    public func clearScreen() {
        guard stdoutIsTerminal else { return }
        write(Data(TerminalControl.clearScreen.utf8), to: .out)
    }

    public func readLine(cancelled: () -> Bool) -> String? {
        var bytes: [UInt8] = []
        while true {
            guard let chunk = DescriptorReader.receive(STDIN_FILENO, upTo: 1, cancelled: cancelled), let byte = chunk.first else {
                return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    /// On a terminal: the prompt on standard error, then a line read with echo off (restored on
    /// every path, Ctrl-C included). Elsewhere: a line of standard input, no prompt.
    public func readSecretLine(prompt: ConsoleText, cancelled: () -> Bool) -> String? {
        guard isatty(STDIN_FILENO) != 0 else { return readLine(cancelled: cancelled) }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        guard tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0 else { return nil }
        write(Data(prompt.plain.utf8), to: .err)
        defer {
            _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            write(Data("\n".utf8), to: .err)
        }
        return readLine(cancelled: cancelled)
    }

    public func readAll(maximum: Int, cancelled: () -> Bool) -> Data {
        var data = Data()
        while data.count < maximum,
              let chunk = DescriptorReader.receive(STDIN_FILENO, upTo: min(65_536, maximum - data.count), cancelled: cancelled) {
            data.append(contentsOf: chunk)
        }
        return data
    }

    private func write(_ data: Data, to stream: ConsoleStream) {
        let descriptor = stream == .out ? STDOUT_FILENO : STDERR_FILENO
        if DescriptorWriter.send(data, to: descriptor) == .closed, stream == .out {
            onClosedStandardOutput()
        }
    }
}

/// The escape sequences of terminal control, apart from text styles (``ConsoleText/rendered``).
enum TerminalControl {
    /// Back to the start of the line, and clear it.
    static let replaceLine = "\r\u{1B}[K"
    /// Cursor home, clear the screen.
    static let clearScreen = "\u{1B}[H\u{1B}[2J"
}

/// Writing to a pipe whose reader has gone must fail with EPIPE, not kill the shell: a
/// `CMD | head -1` inside the shell ends the command's output, not the session.
enum BrokenPipes {
    static func ignore() {
        signal(SIGPIPE, SIG_IGN)
    }
}

enum DescriptorWriter {
    enum Outcome { case written, closed, failed }

    static func send(_ data: Data, to descriptor: Int32) -> Outcome {
        data.withUnsafeBytes { buffer -> Outcome in
            guard let base = buffer.baseAddress else { return .written }
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else if written < 0, errno == EPIPE {
                    return .closed
                } else {
                    return .failed
                }
            }
            return .written
        }
    }
}

enum DescriptorReader {
    /// Up to `count` bytes, waiting in slices of 100 ms so that `cancelled` (Ctrl-C) is
    /// noticed; nil at the end of input, on an error, or once cancelled.
    static func receive(_ descriptor: Int32, upTo count: Int, cancelled: () -> Bool) -> [UInt8]? {
        while !cancelled() {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready < 0, errno != EINTR { return nil }
            guard ready > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: count)
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, count) }
            if got > 0 { return Array(buffer[0..<got]) }
            if got < 0, errno == EINTR || errno == EAGAIN { continue }
            return nil
        }
        return nil
    }
}
