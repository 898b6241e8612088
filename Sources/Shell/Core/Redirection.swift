import Foundation

/// `CMD > FILE` and `CMD >> FILE`.
///
/// `>` never leaves a half-written FILE: the output goes to a temporary file beside it, which
/// replaces FILE (keeping its permissions) when the command ran to its end, whatever its exit
/// status; after an error or Ctrl-C FILE is left as it was. `>>` appends as the output comes,
/// like a log (`tail -f` follows it). A FILE that is not a regular file (`/dev/null`, a FIFO, a
/// terminal) is written in place.
final class FileRedirection: Sendable {
    /// As the user wrote it, for messages.
    let path: String
    let sink: FileOutput
    private let target: String
    /// Where `>` writes until the command ends; nil when writing FILE itself.
    private let temporary: String?
    private let existed: Bool

    init(path: String, append: Bool) throws {
        guard !path.isEmpty else { throw CommandFailure.usage("\(append ? ">>" : ">") needs a file name, not ''") }
        self.path = path
        target = LinkTarget.resolve(path)
        let attributes = try? FileManager.default.attributesOfItem(atPath: target)
        let kind = attributes?[.type] as? FileAttributeType
        existed = kind != nil
        if kind == .typeDirectory { throw CommandFailure.usage("cannot write '\(path)': it is a directory") }
        if kind != nil, !FileManager.default.isWritableFile(atPath: target) {
            throw CommandFailure.usage("cannot write '\(path)': permission denied")
        }
        if append || (kind != nil && kind != .typeRegular) {
            temporary = nil
            sink = try FileOutput(path: path, append: true)
            return
        }
        let url = URL(fileURLWithPath: target)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString.prefix(8))").path
        do {
            sink = try FileOutput(path: temporary, append: false)
        } catch {
            throw CommandFailure.usage("cannot write '\(path)': no such directory, or it is not writable")
        }
        if let mode = attributes?[.posixPermissions] {
            try? FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
        }
        self.temporary = temporary
    }

    /// Ends the redirection. With `keep`, `>`'s output replaces FILE; otherwise FILE stays as it
    /// was and the returned note says so. Throws when the output could not be written.
    func finish(keep: Bool) throws -> String? {
        var writeFailure: (any Error)?
        do { try sink.close() } catch { writeFailure = error }
        guard let temporary else {
            if let writeFailure { throw writeFailure }
            return nil
        }
        guard keep, writeFailure == nil else {
            try? FileManager.default.removeItem(atPath: temporary)
            if let writeFailure { throw writeFailure }
            return existed ? "\(path) left as it was: the command failed" : "\(path) not written: the command failed"
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw CommandFailure.usage("cannot write '\(path)': \(reason)")
        }
        return nil
    }
}
