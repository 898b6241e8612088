import Foundation

/// One checked source table of sources.json.
public struct FreshnessResult: Sendable, Encodable {
    public var uniqueID: String
    /// pass, warn, error (runtime errors are dropped from the file by dbt 1.11).
    public var status: NodeStatus
    public var maxLoadedAt: String?
    public var snapshottedAt: String?
    public var ageSeconds: Double?
    /// `criteria.warn_after` as "24 hour".
    public var warnAfter: String?
    public var errorAfter: String?
    public var executionTime: Double?
    /// The error text of a `runtime error` result (not written by dbt 1.11, which drops them).
    public var error: String?

    /// `source_name.table`, e.g. `erp.inventory_levels`.
    public var name: String { NodeNames.shortName(uniqueID) }
    public var sourceName: String { name.split(separator: ".").first.map(String.init) ?? name }

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", status, maxLoadedAt = "max_loaded_at", snapshottedAt = "snapshotted_at"
        case ageSeconds = "age_seconds", warnAfter = "warn_after", errorAfter = "error_after"
        case executionTime = "execution_time", error
    }
}

/// The freshness of one `sources:` entry: its worst table status.
public struct SourceFreshnessGroup: Sendable, Encodable {
    public var sourceName: String
    public var status: NodeStatus
    public var tables: [FreshnessResult]

    enum CodingKeys: String, CodingKey { case sourceName = "source_name", status, tables }
}

/// sources.json (v3), written by `dbt source freshness`.
public struct SourceFreshness: Sendable, Encodable {
    public let metadata: ArtifactMetadata
    public let elapsedTime: Double?
    public let results: [FreshnessResult]

    /// Counts per status.
    public var summary: StatusSummary { StatusSummary(results.map(\.status)) }

    /// One group per source, worst status first (error, warn, pass), then by name.
    public var bySource: [SourceFreshnessGroup] {
        let grouped = Dictionary(grouping: results, by: \.sourceName)
        return grouped.map { name, tables in
            SourceFreshnessGroup(sourceName: name, status: tables.map(\.status).max(by: { Self.rank($0) < Self.rank($1) }) ?? .pass, tables: tables)
        }
        .sorted { (Self.rank($1.status), $0.sourceName) < (Self.rank($0.status), $1.sourceName) }
    }

    private static func rank(_ status: NodeStatus) -> Int {
        switch status {
        case .pass: return 0
        case .warn: return 1
        default: return 2
        }
    }

    /// Sources with a freshness check in the manifest but no result here. dbt 1.11 drops the
    /// results of checks that failed to run (e.g. a missing table) from sources.json, so these
    /// are usually runtime errors whose text is only in the step's log; a `--select` also leaves
    /// sources out.
    public func unreported(in manifest: Manifest) -> [String] {
        let reported = Set(results.map(\.uniqueID))
        return manifest.sourceIDs.filter { !reported.contains($0) && manifest.node($0)?.hasFreshnessCheck == true }
    }

    enum CodingKeys: String, CodingKey { case metadata, elapsedTime = "elapsed_time", results }

    public static func decode(_ data: Data) throws(ArtifactError) -> SourceFreshness {
        try decodeArtifact(data, as: .sources) { scanner in
            var metadata = ArtifactMetadata()
            var elapsed: Double?
            var results: [FreshnessResult]?
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                if scanner.key(key, is: "metadata") {
                    metadata = try ArtifactMetadata.read(&scanner)
                    try metadata.check(expected: .sources)
                } else if scanner.key(key, is: "results") {
                    results = try readResults(&scanner)
                } else if scanner.key(key, is: "elapsed_time") {
                    elapsed = try scanner.readOptionalDouble()
                } else {
                    try scanner.skipValue()
                }
            }
            guard let results else { throw metadata.missingResults(expected: .sources) }
            return SourceFreshness(metadata: metadata, elapsedTime: elapsed, results: results)
        }
    }

    private static func readResults(_ scanner: inout JSONScanner) throws(JSONScanError) -> [FreshnessResult] {
        var results: [FreshnessResult] = []
        try scanner.beginArray()
        while try scanner.nextElement() {
            var result = FreshnessResult(uniqueID: "", status: NodeStatus(""))
            try scanner.readObject { scanner, key throws(JSONScanError) in
                if scanner.key(key, is: "unique_id") {
                    result.uniqueID = try scanner.readOptionalString() ?? ""
                } else if scanner.key(key, is: "status") {
                    result.status = NodeStatus(try scanner.readOptionalString() ?? "")
                } else if scanner.key(key, is: "max_loaded_at") {
                    result.maxLoadedAt = try scanner.readOptionalString()
                } else if scanner.key(key, is: "snapshotted_at") {
                    result.snapshottedAt = try scanner.readOptionalString()
                } else if scanner.key(key, is: "max_loaded_at_time_ago_in_s") {
                    result.ageSeconds = try scanner.readOptionalDouble()
                } else if scanner.key(key, is: "execution_time") {
                    result.executionTime = try scanner.readOptionalDouble()
                } else if scanner.key(key, is: "error") {
                    result.error = try scanner.readOptionalString()
                } else if scanner.key(key, is: "criteria") {
                    (result.warnAfter, result.errorAfter) = try readCriteria(&scanner)
                } else {
                    try scanner.skipValue()
                }
            }
            if !result.uniqueID.isEmpty { results.append(result) }
        }
        return results
    }

    private static func readCriteria(_ scanner: inout JSONScanner) throws(JSONScanError) -> (String?, String?) {
        var warn: String?
        var error: String?
        try scanner.readObject { scanner, key throws(JSONScanError) in
            if scanner.key(key, is: "warn_after") {
                warn = try readPeriod(&scanner)
            } else if scanner.key(key, is: "error_after") {
                error = try readPeriod(&scanner)
            } else {
                try scanner.skipValue()
            }
        }
        return (warn, error)
    }

    private static func readPeriod(_ scanner: inout JSONScanner) throws(JSONScanError) -> String? {
        var count: Int?
        var period: String?
        try scanner.readObject { scanner, key throws(JSONScanError) in
            if scanner.key(key, is: "count") {
                count = try scanner.readOptionalInt()
            } else if scanner.key(key, is: "period") {
                period = try scanner.readOptionalString()
            } else {
                try scanner.skipValue()
            }
        }
        guard let count, let period else { return nil }
        return "\(count) \(period)"
    }
}
