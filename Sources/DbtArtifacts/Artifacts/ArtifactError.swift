import Foundation

/// The four dbt artifacts dbtsh reads, named by their usual file names.
public enum ArtifactKind: String, Sendable, Equatable, CaseIterable {
    case runResults = "run_results.json"
    case manifest = "manifest.json"
    case catalog = "catalog.json"
    case sources = "sources.json"

    /// The top-level key every artifact of this kind has.
    var mainField: String {
        switch self {
        case .runResults, .sources: return "results"
        case .manifest, .catalog: return "nodes"
        }
    }

    /// The kind named by a `dbt_schema_version` URL such as
    /// `https://schemas.getdbt.com/dbt/run-results/v6.json`.
    init?(schemaVersion: String) {
        if schemaVersion.contains("/run-results/") {
            self = .runResults
        } else if schemaVersion.contains("/manifest/") {
            self = .manifest
        } else if schemaVersion.contains("/catalog/") {
            self = .catalog
        } else if schemaVersion.contains("/sources/") {
            self = .sources
        } else {
            return nil
        }
    }
}

/// Why an artifact could not be read; `description` is one line for the user.
public enum ArtifactError: Error, CustomStringConvertible, Equatable, Sendable {
    case empty(ArtifactKind)
    case notJSON(ArtifactKind, offset: Int, found: String)
    case truncated(ArtifactKind, offset: Int)
    case wrongKind(expected: ArtifactKind, found: ArtifactKind)
    case missingField(ArtifactKind, field: String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .empty(let kind):
            return "\(kind.rawValue): the file is empty"
        case .notJSON(let kind, let offset, let found):
            return "\(kind.rawValue): not valid JSON at byte \(offset) (found \(found))"
        case .truncated(let kind, let offset):
            return "\(kind.rawValue): the file ends early at byte \(offset) (truncated download?)"
        case .wrongKind(let expected, let found):
            return "\(expected.rawValue): this is a \(found.rawValue), not a \(expected.rawValue)"
        case .missingField(let kind, let field):
            return "\(kind.rawValue): no `\(field)` in the file; is it a dbt \(kind.rawValue)?"
        case .unreadable(let path, let reason):
            return "\(path): cannot read the file (\(reason))"
        }
    }

    init(_ error: JSONScanError, kind: ArtifactKind) {
        switch error.reason {
        case .unexpectedEnd:
            self = .truncated(kind, offset: error.offset)
        case .unexpectedByte(let byte):
            self = .notJSON(kind, offset: error.offset, found: Self.describe(byte))
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return String(format: "byte 0x%02X", byte)
    }
}

public enum ArtifactFile {
    /// Reads a whole file, with a one-line error when it cannot. `mapped` maps it instead of
    /// copying it (faster for one-shot commands on large files; the file must then not be
    /// truncated or rewritten in place while the returned data, or an artifact decoded from
    /// it, is alive).
    public static func read(_ url: URL, mapped: Bool = false) throws(ArtifactError) -> Data {
        do {
            return try Data(contentsOf: url, options: mapped ? .alwaysMapped : [])
        } catch let error as CocoaError {
            throw .unreadable(path: url.path, reason: reason(error))
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
    }

    private static func reason(_ error: CocoaError) -> String {
        switch error.code {
        case .fileReadNoSuchFile: return "no such file"
        case .fileReadNoPermission: return "permission denied"
        default: return error.localizedDescription
        }
    }
}
