import Foundation

/// Coding keys for any JSON key; models read their fields by the API's snake_case names.
struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ stringValue: String) { self.stringValue = stringValue }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Reads a model's fields leniently: a missing, null or oddly typed field is `nil`,
/// never a decoding failure. Only ids are required (`requiredID`).
struct LenientFields {
    let container: KeyedDecodingContainer<AnyKey>
    let raw: JSONValue

    init(_ decoder: any Decoder) throws {
        raw = try JSONValue(from: decoder)
        guard case .object = raw else {
            throw DecodingError.typeMismatch(
                [String: JSONValue].self,
                .init(codingPath: decoder.codingPath, debugDescription: "expected a JSON object"))
        }
        container = try decoder.container(keyedBy: AnyKey.self)
    }

    func requiredID(_ key: String = "id") throws -> Int {
        if let value = raw[key]?.intValue { return value }
        throw DecodingError.keyNotFound(
            AnyKey(key), .init(codingPath: container.codingPath, debugDescription: "missing integer id `\(key)`"))
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

    func nested<T: Decodable>(_ type: T.Type, _ key: String) -> T? {
        guard let value = raw[key], !value.isNull else { return nil }
        return (try? container.decode(T.self, forKey: AnyKey(key)))
    }

    func list<T: Decodable>(_ type: T.Type, _ key: String) -> [T]? {
        guard let items = raw[key]?.arrayValue else { return nil }
        return items.compactMap { try? $0.decode(T.self) }
    }
}

extension JSONValue {
    /// Decodes a typed value from this JSON (used to pull models out of envelopes).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: data)
    }
}
