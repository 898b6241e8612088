import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A console that can write bytes to stdout unchanged (`artifacts get -o -`): a binary file
/// comes out byte for byte, never through a String.
protocol RawOutput {
    func writeRaw(_ bytes: UnsafeRawBufferPointer)
}

extension StandardConsole: RawOutput {
    func writeRaw(_ bytes: UnsafeRawBufferPointer) {
        StandardStream.write(bytes: bytes, to: STDOUT_FILENO)
    }
}

extension StandardStream {
    /// write(2) until done; a closed stdout ends the process quietly with 141, as for text.
    static func write(bytes: UnsafeRawBufferPointer, to descriptor: Int32) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
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

enum RawFileOutput {
    /// Copies a file to stdout in 1 MiB chunks. A console without raw output (a test's) gets
    /// the file as UTF-8 text.
    static func write(_ file: URL, to console: any Console) throws {
        do {
            let input = try FileHandle(forReadingFrom: file)
            defer { try? input.close() }
            guard let raw = console as? any RawOutput else {
                console.out(String(decoding: input.readDataToEndOfFile(), as: UTF8.self))
                return
            }
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { raw.writeRaw($0) }
            }
        } catch {
            throw CommandFailure("cannot read the downloaded \(file.lastPathComponent): \(error.localizedDescription)", exitCode: ExitCode.usage)
        }
    }
}
