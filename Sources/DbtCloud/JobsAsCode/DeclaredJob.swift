import Foundation

/// A job as a definition file declares it. Three shapes are read:
/// - one job object, as `job export` writes it (JSON or YAML);
/// - dbt-jobs-as-code's `jobs:` map, `identifier: {job keys}` (its `anchors:` and other top-level keys are ignored);
/// - a list of job objects (top level, or under `jobs:`).
///
/// The identifier is what ties a declaration to a live job. As in dbt-jobs-as-code it is kept in
/// dbt Cloud as a ` [[identifier]]` suffix of the job name: no state file, and jobs managed by
/// either tool match each other.
public struct DeclaredJob: Sendable, Equatable {
    public let identifier: String?
    /// The job keys the file sets: no read-only keys, `name` without its `[[…]]` suffix.
    public let fields: [String: JSONValue]
    /// Where it was declared, e.g. `jobs.yml: jobs.nightly`.
    public let source: String
    /// Keys of the file that are not applied (environment variable overrides, …).
    public let ignoredKeys: [String]

    /// Keys dbt Cloud computes, or only dbt-jobs-as-code reads: dropped from declarations and never diffed.
    public static let readOnlyKeys: Set<String> = [
        "id", "created_at", "updated_at", "raw_dbt_version", "is_deferrable", "lifecycle_webhooks_url",
        "run_failure_count", "cron_humanized", "next_run", "next_run_humanized", "deactivated", "most_recent_run",
        "most_recent_completed_run", "account", "project", "environment", "fusion_readiness", "is_system",
        "generate_sources", "identifier", "linked_id",
    ]

    /// Keys of dbt-jobs-as-code files that this tool does not apply.
    public static let unappliedKeys: Set<String> = ["custom_environment_variables", "ui_job_name_override"]

    public init(identifier: String?, fields: [String: JSONValue], source: String, ignoredKeys: [String] = []) {
        self.identifier = identifier
        self.fields = fields
        self.source = source
        self.ignoredKeys = ignoredKeys
    }

    /// The declared name as dbt Cloud stores it: `Nightly build [[nightly]]`.
    public var cloudName: String? {
        guard let name = fields["name"]?.stringValue else { return nil }
        guard let identifier else { return name }
        return "\(name) [[\(identifier)]]"
    }

    /// `Nightly build [[nightly]]` → (`Nightly build`, `nightly`); `[[prod:nightly]]` (an import
    /// filter) → `nightly`. Nil when the name carries no identifier.
    public static func identifier(inName name: String) -> (name: String, identifier: String)? {
        guard let open = name.range(of: "[[", options: .backwards), let close = name.range(of: "]]", options: .backwards),
            open.upperBound <= close.lowerBound, close.upperBound == name.endIndex
        else { return nil }
        let raw = String(name[open.upperBound..<close.lowerBound])
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let last = parts.last, isValidIdentifier(String(last)) else { return nil }
        let bare = name[..<open.lowerBound].trimmingCharacters(in: .whitespaces)
        return (bare, String(last))
    }

    public static func isValidIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 200
            && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "_" || $0 == "-" }
    }

    /// The identifier of a live job, from its name.
    public static func identifier(of job: Job) -> String? {
        job.name.flatMap(identifier(inName:))?.identifier
    }
}

public enum DeclaredJobs {
    /// Every declaration in the given files, and in the `*.yml`, `*.yaml` and `*.json` files of the
    /// given folders (not recursive), in path order.
    public static func read(paths: [String]) throws -> [DeclaredJob] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                let definitions = names.filter { name in [".yml", ".yaml", ".json"].contains { name.lowercased().hasSuffix($0) } }
                guard !definitions.isEmpty else {
                    throw DbtCloudError(kind: .invalidArgument, message: "`\(path)` holds no .yml, .yaml or .json file")
                }
                files += definitions.sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        var declared: [DeclaredJob] = []
        for file in files {
            declared += try read(DefinitionText.read(path: file), source: file)
        }
        return declared
    }

    /// The declarations of one parsed document.
    public static func read(_ document: JSONValue, source: String) throws -> [DeclaredJob] {
        if case .object(let top) = document, let jobs = top["jobs"] {
            switch jobs {
            case .object(let byIdentifier):
                return try byIdentifier.keys.sorted().map { key in
                    try declaration(byIdentifier[key] ?? .null, identifier: key, source: "\(source): jobs.\(key)")
                }
            case .array(let list):
                return try list.enumerated().map { try declaration($1, identifier: nil, source: "\(source): jobs[\($0)]") }
            case .null:
                return []
            default:
                throw DbtCloudError(kind: .invalidArgument, message: "\(source): `jobs` must be a map of identifier to job, or a list")
            }
        }
        if case .array(let list) = document {
            return try list.enumerated().map { try declaration($1, identifier: nil, source: "\(source): [\($0)]") }
        }
        return [try declaration(document, identifier: nil, source: source)]
    }

    static func declaration(_ value: JSONValue, identifier key: String?, source: String) throws -> DeclaredJob {
        guard case .object(let raw) = value else {
            throw DbtCloudError(kind: .invalidArgument, message: "\(source): a job must be a map of keys (like `job export` writes)")
        }
        if let templated = firstTemplate(in: value) {
            throw DbtCloudError(
                kind: .invalidArgument,
                message: "\(source): `\(templated)` is a template ({{ … }}); render the file first, dbtsh reads plain values")
        }
        var fields = raw.filter { !DeclaredJob.readOnlyKeys.contains($0.key) && !DeclaredJob.unappliedKeys.contains($0.key) }
        let ignored = raw.keys.filter { key in
            guard DeclaredJob.unappliedKeys.contains(key), let value = raw[key] else { return false }
            return !(value.isNull || value.arrayValue?.isEmpty == true)
        }.sorted()
        var identifier = key ?? raw["identifier"]?.stringValue
        if let name = raw["name"]?.stringValue, let parsed = DeclaredJob.identifier(inName: name) {
            if let identifier, identifier != parsed.identifier {
                throw DbtCloudError(
                    kind: .invalidArgument,
                    message: "\(source): the name's [[\(parsed.identifier)]] differs from the identifier `\(identifier)`")
            }
            identifier = parsed.identifier
            fields["name"] = .string(parsed.name)
        }
        if let identifier, !DeclaredJob.isValidIdentifier(identifier) {
            throw DbtCloudError(
                kind: .invalidArgument,
                message: "\(source): `\(identifier)` is not an identifier: use letters, digits, `_` and `-`")
        }
        if let name = fields["name"], name.stringValue?.trimmingCharacters(in: .whitespaces).isEmpty != false {
            throw DbtCloudError(kind: .invalidArgument, message: "\(source): `name` must be a non-empty string")
        }
        return DeclaredJob(identifier: identifier, fields: fields, source: source, ignoredKeys: ignored)
    }

    /// The first string holding a Jinja `{{ … }}` template (dbt-jobs-as-code renders those with `--vars-yml`).
    static func firstTemplate(in value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text.contains("{{") && text.contains("}}") ? text : nil
        case .array(let items): return items.lazy.compactMap(firstTemplate).first
        case .object(let object): return object.keys.sorted().lazy.compactMap { object[$0].flatMap(firstTemplate) }.first
        default: return nil
        }
    }
}
