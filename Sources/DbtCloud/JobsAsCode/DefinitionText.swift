import Foundation
import Yams

/// The text of a definition file (a job, a project…) as JSON: JSON itself, or YAML with anchors,
/// aliases and `<<` merge keys (as dbt-jobs-as-code files use them). Sizes are bounded: a file is
/// read up to `maximumBytes`, and expanding aliases stops at `maximumValues` values, so a
/// "billion laughs" file fails instead of exhausting memory.
public enum DefinitionText {
    public static let maximumBytes = 8 * 1_024 * 1_024
    public static let maximumValues = 500_000
    public static let maximumDepth = 64

    /// Reads and parses a file; `-` reads standard input.
    public static func read(path: String) throws -> JSONValue {
        try parse(try contents(of: path), name: path)
    }

    /// The bytes of a file (or standard input for `-`), at most `maximumBytes`.
    public static func contents(of path: String) throws -> Data {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let opened = FileHandle(forReadingAtPath: path)
            else {
                throw DbtCloudError(kind: .invalidArgument, message: "cannot read `\(path)`: no such readable file")
            }
            handle = opened
        }
        defer { if path != "-" { try? handle.close() } }
        let data = (try? handle.read(upToCount: maximumBytes + 1)) ?? Data()
        guard data.count <= maximumBytes else {
            throw DbtCloudError(kind: .invalidArgument, message: "`\(path)` is larger than \(maximumBytes / 1_048_576) MiB")
        }
        return data
    }

    /// JSON when the text starts with `{` or `[`, else YAML (which also reads most JSON).
    public static func parse(_ data: Data, name: String) throws -> JSONValue {
        guard data.count <= maximumBytes else {
            throw DbtCloudError(kind: .invalidArgument, message: "`\(name)` is larger than \(maximumBytes / 1_048_576) MiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DbtCloudError(kind: .invalidArgument, message: "`\(name)` is not UTF-8 text")
        }
        let start = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }.first
        if start == "{" || start == "[" {
            do {
                return try JSONValue(parsing: data)
            } catch {
                throw DbtCloudError(
                    kind: .invalidArgument, message: "`\(name)` is not valid JSON: \(DecodingDescription.describe(error))")
            }
        }
        return try parseYAML(text, name: name)
    }

    static func parseYAML(_ text: String, name: String) throws -> JSONValue {
        let node: Node?
        do {
            // Timestamps stay strings: a definition's dates are text to send back as they are.
            node = try Yams.compose(yaml: text, Resolver.default.removing(.timestamp))
        } catch let error as YamlError {
            throw DbtCloudError(kind: .invalidArgument, message: "`\(name)` is not valid YAML: \(describe(error))")
        } catch {
            throw DbtCloudError(kind: .invalidArgument, message: "`\(name)` is not valid YAML: \(error)")
        }
        guard let node else { return .null }
        var budget = maximumValues
        return try convert(node, name: name, depth: 0, budget: &budget)
    }

    private static func convert(_ node: Node, name: String, depth: Int, budget: inout Int) throws -> JSONValue {
        budget -= 1
        guard budget >= 0 else {
            throw DbtCloudError(
                kind: .invalidArgument,
                message: "`\(name)` expands to more than \(maximumValues) values (aliases referring to aliases?)")
        }
        guard depth <= maximumDepth else {
            throw DbtCloudError(kind: .invalidArgument, message: "`\(name)` nests deeper than \(maximumDepth) levels")
        }
        switch node {
        case .scalar(let scalar):
            // `Node.tag` is the resolved tag (`Node.Scalar.tag` may still be implicit).
            return scalarValue(scalar, tag: Tag.Name(rawValue: node.tag.rawValue))
        case .sequence(let sequence):
            return .array(try sequence.map { try convert($0, name: name, depth: depth + 1, budget: &budget) })
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            var merged: [String: JSONValue] = [:]
            for (key, value) in mapping {
                if Tag.Name(rawValue: key.tag.rawValue) == .merge {
                    // `<<: *base` or `<<: [*a, *b]`: keys from earlier sources win, own keys win over all.
                    let sources = value.sequence.map(Array.init) ?? [value]
                    for source in sources {
                        let converted = try convert(source, name: name, depth: depth + 1, budget: &budget)
                        for (mergedKey, mergedValue) in converted.objectValue ?? [:] where merged[mergedKey] == nil {
                            merged[mergedKey] = mergedValue
                        }
                    }
                    continue
                }
                let keyText: String
                if let scalar = key.scalar {
                    keyText = scalar.string
                } else {
                    keyText = try convert(key, name: name, depth: depth + 1, budget: &budget).compactText
                }
                object[keyText] = try convert(value, name: name, depth: depth + 1, budget: &budget)
            }
            return .object(merged.merging(object) { _, own in own })
        case .alias:
            throw DbtCloudError(kind: .invalidArgument, message: "`\(name)` has an alias that refers to nothing")
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar, tag: Tag.Name) -> JSONValue {
        switch tag {
        case .null: return .null
        case .bool: return Bool.construct(from: scalar).map(JSONValue.bool) ?? .string(scalar.string)
        case .int: return Int.construct(from: scalar).map(JSONValue.int) ?? .string(scalar.string)
        case .float:
            guard let value = Double.construct(from: scalar), value.isFinite else { return .string(scalar.string) }
            return .double(value)
        default: return .string(scalar.string)
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        case .reader(let problem, _, _, _):
            return problem
        default:
            return DbtCloudError.oneLine(String(describing: error))
        }
    }
}
