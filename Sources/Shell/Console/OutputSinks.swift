import Foundation
import Synchronization
import TerminalText

/// Standard output into a file, for `CMD > FILE` (truncating) and `CMD >> FILE` (appending).
/// Text arrives without styles (a file is not a terminal); the first write error is kept and
/// thrown by ``close()``.
public final class FileOutput: OutputSink {
    private struct State {
        var handle: FileHandle?
        var failure: (any Error)?
    }

    public let path: String
    private let state: Mutex<State>

    public init(path: String, append: Bool) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        if append, FileManager.default.fileExists(atPath: path) {
            // Nothing to create: opened below.
        } else if !FileManager.default.createFile(atPath: path, contents: nil) {
            throw CommandFailure.usage("cannot write '\(path)': no such directory or no permission")
        }
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: url)
            if append { try handle.seekToEnd() }
        } catch {
            throw CommandFailure.usage("cannot write '\(path)': no permission")
        }
        state = Mutex(State(handle: handle))
    }

    public var isTerminal: Bool { false }

    public func write(_ text: ConsoleText) {
        writeBytes(Data(text.rendered.utf8))
    }

    public func writeBytes(_ bytes: Data) {
        state.withLock { state in
            guard state.failure == nil, let handle = state.handle else { return }
            do { try handle.write(contentsOf: bytes) } catch { state.failure = error }
        }
    }

    /// Closes the file; throws when a write failed (a full disk).
    public func close() throws {
        let failure = state.withLock { state -> (any Error)? in
            try? state.handle?.close()
            state.handle = nil
            return state.failure
        }
        if failure != nil { throw CommandFailure.usage("cannot write '\(path)': the disk may be full") }
    }
}

/// Output held back in memory (the pager decides afterwards where it goes); it is bound for
/// the terminal, so tables fit the terminal and styles are kept.
public final class HeldOutput: OutputSink {
    private let held = Mutex(ConsoleText())

    public init() {}

    public var isTerminal: Bool { true }
    public func write(_ text: ConsoleText) { held.withLock { $0.append(text) } }
    public func writeBytes(_ bytes: Data) { write(ConsoleText(String(decoding: bytes, as: UTF8.self))) }
    public var text: ConsoleText { held.withLock { $0 } }
}
