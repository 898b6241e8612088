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

    /// Opens `path` for writing: truncated (`append: false`) or at its end. A path that is not
    /// a regular file (`/dev/null`, a FIFO, a terminal) is written in place, never replaced.
    public init(path: String, append: Bool) throws {
        self.path = path
        let resolved = LinkTarget.resolve(path)
        let kind = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType
        if kind == .typeDirectory {
            throw CommandFailure.usage("cannot write '\(path)': it is a directory")
        }
        let special = kind.map { $0 != .typeRegular } ?? false
        if !special, !append || kind == nil, !FileManager.default.createFile(atPath: resolved, contents: nil) {
            throw CommandFailure.usage("cannot write '\(path)': no such directory or no permission")
        }
        guard let handle = FileHandle(forWritingAtPath: resolved) else {
            throw CommandFailure.usage("cannot write '\(path)': no permission")
        }
        if append, !special {
            do { try handle.seekToEnd() } catch { throw CommandFailure.usage("cannot write '\(path)': \(error.localizedDescription)") }
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

/// Where a path's symbolic links lead, followed even to a file that does not exist yet: writing
/// "to a link" writes the file it names and leaves the link a link.
enum LinkTarget {
    static func resolve(_ path: String) -> String {
        var current = path
        for _ in 0..<32 {
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return current }
            current = destination.hasPrefix("/") ? destination : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(destination).path
        }
        return current
    }
}
