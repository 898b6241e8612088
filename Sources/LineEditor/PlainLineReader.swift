#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a pipe or file: no prompt, no echo, no line editing.
///
/// Bytes that are not UTF-8 become U+FFFD; a final line without a newline is still
/// returned; a trailing carriage return is dropped. Ctrl-C while waiting for input
/// returns `.interrupted`.
public final class PlainLineReader: LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var lineStart = 0
    private var scannedUpTo = 0
    private var reachedEnd = false
    private static let chunkSize = 64 * 1024

    public convenience init() {
        self.init(fileDescriptor: STDIN_FILENO)
    }

    init(fileDescriptor: Int32) {
        self.descriptor = fileDescriptor
    }

    public func readLine(prompt: String) -> LineReadResult {
        while true {
            if let newline = buffer[scannedUpTo...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Self.decode(buffer[lineStart..<newline])
                consume(upTo: newline + 1)
                return .line(line)
            }
            scannedUpTo = buffer.count
            if reachedEnd {
                guard lineStart < buffer.count else { return .endOfFile }
                let line = Self.decode(buffer[lineStart...])
                consume(upTo: buffer.count)
                return .line(line)
            }
            if let interrupted = fill() { return interrupted }
        }
    }

    public func close() {}

    private func fill() -> LineReadResult? {
        var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
        } else if count == 0 {
            reachedEnd = true
        } else if errno == EINTR {
            if Interrupts.takePending() { return .interrupted }
        } else {
            reachedEnd = true
        }
        return nil
    }

    private func consume(upTo end: Int) {
        lineStart = end
        scannedUpTo = end
        if lineStart >= Self.chunkSize, lineStart * 2 >= buffer.count {
            buffer.removeFirst(lineStart)
            scannedUpTo -= lineStart
            lineStart = 0
        }
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var bytes = bytes
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
