import Foundation

/// Coding keys for any JSON key; models read their fields by the API's snake_case names.
struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ stringValue: String) { self.stringValue = stringValue }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A model read from JSON: lenient, ids required, `raw` kept. Decodable through `JSONValue`.
public protocol JSONModel: Decodable, Sendable {
    init(json: JSONValue) throws
}

extension JSONModel {
    public init(from decoder: any Decoder) throws {
        try self.init(json: JSONValue(from: decoder))
    }
}

/// Reads a model's fields leniently: a missing, null or oddly typed field is `nil`,
/// never a decoding failure. Only ids are required (`requiredID`).
struct LenientFields {
    let raw: JSONValue

    init(_ json: JSONValue) throws {
        guard case .object = json else {
            throw DecodingError.typeMismatch(
                [String: JSONValue].self, .init(codingPath: [], debugDescription: "expected a JSON object"))
        }
        raw = json
    }

    func requiredID(_ key: String = "id") throws -> Int {
        if let value = raw[key]?.intValue { return value }
        throw DecodingError.keyNotFound(
            AnyKey(key), .init(codingPath: [], debugDescription: "missing integer id `\(key)`"))
    }

    func int(_ key: String) -> Int? { raw[key]?.intValue }
    func double(_ key: String) -> Double? { raw[key]?.doubleValue }
    func bool(_ key: String) -> Bool? { raw[key]?.boolValue }

    func string(_ key: String) -> String? {
        switch raw[key] {
        case .string(let value): return value
        case .int(let value): return String(value)
        default: return nil
        }
    }

    func strings(_ key: String) -> [String]? {
        raw[key]?.arrayValue?.compactMap { $0.stringValue }
    }

    func ints(_ key: String) -> [Int]? {
        raw[key]?.arrayValue?.compactMap { $0.intValue }
    }

    func date(_ key: String) -> Date? { string(key).flatMap(DbtTimestamp.parse) }
    func duration(_ key: String) -> TimeInterval? { string(key).flatMap(DbtDuration.parse) }

    func nested<T: JSONModel>(_ type: T.Type, _ key: String) -> T? {
        guard let value = raw[key], !value.isNull else { return nil }
        return try? T(json: value)
    }

    func list<T: JSONModel>(_ type: T.Type, _ key: String) -> [T]? {
        guard let items = raw[key]?.arrayValue else { return nil }
        return items.compactMap { try? T(json: $0) }
    }
}

extension JSONValue {
    /// Decodes any Decodable from this JSON (through its text).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: data)
    }

    /// A model straight from this value, without re-encoding.
    public func decode<T: JSONModel>(_ type: T.Type) throws -> T {
        try T(json: self)
    }

    /// A list of models (this value must be an array).
    public func decodeList<T: JSONModel>(_ type: T.Type) throws -> [T] {
        guard case .array(let items) = self else {
            throw DecodingError.typeMismatch([JSONValue].self, .init(codingPath: [], debugDescription: "expected a JSON array"))
        }
        return try items.map(T.init(json:))
    }
}
