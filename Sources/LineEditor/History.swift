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

/// libedit's history list, loaded from and saved to one file after every entry.
final class HistoryStore {
    static let capacity: Int32 = 1000

    let handle: OpaquePointer
    private let file: URL?
    private let programName: String
    private let warn: (String) -> Void
    private var hasWarned = false
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

    /// Loads the file. A missing file is normal; an unreadable or corrupt one costs one warning.
    func load() {
        guard let file else { return }
        let path = file.path
        guard FileManager.default.fileExists(atPath: path) else { return }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        if size == 0 { return }
        if cel_history_load(handle, path) < 0 {
            warnOnce("ignoring history file \(path): it could not be read")
        }
    }

    func record(_ line: String) {
        guard !isClosed else { return }
        _ = cel_history_enter(handle, line)
        save()
    }

    func save() {
        guard let file, !isClosed else { return }
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

    private func warnOnce(_ message: String) {
        guard !hasWarned else { return }
        hasWarned = true
        warn("\(programName): warning: \(message)\n")
    }
}
