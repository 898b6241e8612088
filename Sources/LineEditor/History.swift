import CLineEditShim
import Foundation

/// Where the shell keeps its history by default.
public enum HistoryLocation {
    /// `$XDG_STATE_HOME/dbtsh/history`, or `~/.local/state/dbtsh/history`.
    public static func defaultFile(environment: [String: String]) -> URL {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return URL(fileURLWithPath: state, isDirectory: true)
                .appendingPathComponent("dbtsh", isDirectory: true)
                .appendingPathComponent("history", isDirectory: false)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".local/state/dbtsh", isDirectory: true)
            .appendingPathComponent("history", isDirectory: false)
    }
}

/// Which lines reach the history.
enum HistoryPolicy {
    static func records(_ line: String, userPolicy: (String) -> Bool) -> Bool {
        guard line.contains(where: { !$0.isWhitespace }) else { return false }
        return userPolicy(line)
    }
}

/// libedit's history list, backed by one file in libedit's format.
///
/// Each recorded line is appended to the file at once (one `write` with `O_APPEND`), so a
/// crash loses nothing and two shells open at the same time both keep their lines. The
/// file is rewritten whole only when it is new, unreadable, or longer than the capacity.
final class HistoryStore {
    static let capacity: Int32 = 1000

    let handle: OpaquePointer
    private let file: URL?
    private let programName: String
    private let warn: (String) -> Void
    private var hasWarned = false
    private var needsRewrite = false
    private var isClosed = false

    init(file: URL?, programName: String, warn: @escaping (String) -> Void = { cel_write_stderr($0) }) {
        self.handle = cel_history_init()
        self.file = file
        self.programName = programName
        self.warn = warn
        _ = cel_history_set_size(handle, Self.capacity)
        _ = cel_history_set_unique(handle, 1)
    }

    deinit {
        close()
    }

    /// Loads the file. A missing file is normal; an unreadable or corrupt one costs one
    /// warning and is replaced at the next recorded line.
    func load() {
        guard let file, !isClosed else { return }
        let path = file.path
        guard FileManager.default.fileExists(atPath: path) else { return }
        guard Self.size(of: path) > 0 else {
            needsRewrite = true
            return
        }
        let loaded = cel_history_load(handle, path)
        if loaded < 0 {
            warnOnce("ignoring history file \(path): it could not be read")
            needsRewrite = true
        } else if loaded > Self.capacity {
            rewrite(file)
        }
    }

    func record(_ line: String) {
        guard !isClosed else { return }
        let repeatsTheNewest = cel_history_newest(handle).map { String(cString: $0) } == line
        _ = cel_history_enter(handle, line)
        guard !repeatsTheNewest, let file else { return }
        if needsRewrite || Self.size(of: file.path) <= 0 {
            rewrite(file)
        } else {
            append(line, to: file)
        }
    }

    var entries: [String] {
        var lines: [String] = []
        var entry = cel_history_oldest(handle)
        while let current = entry {
            var line = String(cString: current)
            if line.hasSuffix("\n") { line.removeLast() }
            lines.append(line)
            entry = cel_history_newer(handle)
        }
        return lines
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        cel_history_end(handle)
    }

    /// A line as libedit's `strvis(VIS_WHITE)` would store it, decodable by its `strunvis`:
    /// white space, control bytes and backslashes as octal escapes, everything else raw.
    static func encoded(_ line: String) -> String {
        var bytes: [UInt8] = []
        for byte in line.utf8 {
            if byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") {
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(contentsOf: [byte >> 6, (byte >> 3) & 7, byte & 7].map { UInt8(ascii: "0") + $0 })
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func append(_ line: String, to file: URL) {
        let descriptor = open(file.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            warnOnce("cannot write history file \(file.path)")
            return
        }
        defer { Foundation.close(descriptor) }
        let record = Array((Self.encoded(line) + "\n").utf8)
        let written = record.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written != record.count {
            warnOnce("cannot write history file \(file.path)")
        }
    }

    private func rewrite(_ file: URL) {
        let path = file.path
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(),
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            warnOnce("cannot create the directory of history file \(path)")
            return
        }
        let created = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        if created >= 0 { Foundation.close(created) }
        if cel_history_save(handle, path) < 0 {
            warnOnce("cannot write history file \(path)")
            return
        }
        chmod(path, 0o600)
        needsRewrite = false
    }

    private static func size(of path: String) -> Int {
        var status = stat()
        guard stat(path, &status) == 0 else { return -1 }
        return Int(status.st_size)
    }

    private func warnOnce(_ message: String) {
        guard !hasWarned else { return }
        hasWarned = true
        warn("\(programName): warning: \(message)\n")
    }
}
