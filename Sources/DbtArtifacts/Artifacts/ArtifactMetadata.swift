import Foundation

/// The `metadata` block every artifact starts with.
public struct ArtifactMetadata: Sendable, Encodable, Equatable {
    public var schemaVersion: String?
    public var dbtVersion: String?
    public var generatedAt: String?
    public var invocationID: String?
    public var projectName: String?
    public var adapterType: String?

    public init() {}

    /// The artifact kind named by `dbt_schema_version`, when recognised.
    public var kind: ArtifactKind? { schemaVersion.flatMap(ArtifactKind.init(schemaVersion:)) }

    static func read(_ scanner: inout JSONScanner) throws(JSONScanError) -> ArtifactMetadata {
        var metadata = ArtifactMetadata()
        try scanner.readObject { scanner, key throws(JSONScanError) in
            if scanner.key(key, is: "dbt_schema_version") {
                metadata.schemaVersion = try scanner.readOptionalString()
            } else if scanner.key(key, is: "dbt_version") {
                metadata.dbtVersion = try scanner.readOptionalString()
            } else if scanner.key(key, is: "generated_at") {
                metadata.generatedAt = try scanner.readOptionalString()
            } else if scanner.key(key, is: "invocation_id") {
                metadata.invocationID = try scanner.readOptionalString()
            } else if scanner.key(key, is: "project_name") {
                metadata.projectName = try scanner.readOptionalString()
            } else if scanner.key(key, is: "adapter_type") {
                metadata.adapterType = try scanner.readOptionalString()
            } else {
                try scanner.skipValue()
            }
        }
        return metadata
    }

    /// Why an artifact has no `results`: it is another kind of artifact, or they are missing.
    func missingResults(expected: ArtifactKind) -> ArtifactError {
        if let kind, kind != expected { return .wrongKind(expected: expected, found: kind) }
        return .missingField(expected, field: "results")
    }

    /// Throws when `metadata` names another artifact kind than `expected`.
    func check(expected: ArtifactKind) throws(ArtifactError) {
        if let kind, kind != expected { throw .wrongKind(expected: expected, found: kind) }
    }
}

/// Runs a top-level decode over `data`, turning scanner errors into one-line artifact errors.
func decodeArtifact<Result>(
    _ data: Data,
    as kind: ArtifactKind,
    _ body: (inout JSONScanner) throws -> Result
) throws(ArtifactError) -> Result {
    guard !data.isEmpty else { throw .empty(kind) }
    do {
        return try data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes)
            if scanner.isAtEnd { throw ArtifactError.empty(kind) }
            let first = try scanner.peek()
            switch first {
            case UInt8(ascii: "{"):
                break
            case UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                try scanner.skipValue()
                throw ArtifactError.missingField(kind, field: kind.mainField)
            default:
                throw scanner.unexpected(first)
            }
            return try body(&scanner)
        }
    } catch let error as JSONScanError {
        throw ArtifactError(error, kind: kind)
    } catch let error as ArtifactError {
        throw error
    } catch {
        throw .notJSON(kind, offset: 0, found: "\(error)")
    }
}

/// Identifies an artifact from its `metadata.dbt_schema_version` without decoding the rest.
public enum ArtifactSniffer {
    public static func kind(of data: Data) -> ArtifactKind? {
        guard !data.isEmpty else { return nil }
        return data.withJSONBytes { bytes -> ArtifactKind? in
            var scanner = JSONScanner(bytes)
            do {
                try scanner.beginObject()
                while let key = try scanner.nextKey() {
                    if scanner.key(key, is: "metadata") {
                        return try ArtifactMetadata.read(&scanner).kind
                    }
                    try scanner.skipValue()
                }
            } catch {
                return nil
            }
            return nil
        }
    }
}
