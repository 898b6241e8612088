import Foundation

/// Which half of catalog.json a node is in.
public enum CatalogSection: String, Sendable, Encodable, CaseIterable {
    case nodes
    case sources
}

/// One relation of catalog.json with its `metadata`; columns and stats are read on demand.
public struct CatalogEntry: Sendable, Encodable {
    public var uniqueID: String
    public var section: CatalogSection
    /// "BASE TABLE", "VIEW", …
    public var tableType: String?
    public var database: String
    public var schema: String
    /// The relation name in the warehouse (the manifest `alias`, which may differ from the node name).
    public var name: String
    public var comment: String?
    public var owner: String?
    var columnsOffset: Int?
    var statsOffset: Int?
    /// Where the entry's JSON text lies in the file.
    var byteRange: Range<Int> = 0..<0

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", section, tableType = "type", database, schema, name, comment, owner
    }
}

/// A warehouse column as the catalog reports it.
public struct CatalogColumn: Sendable, Encodable, Equatable {
    public var name: String
    public var type: String?
    /// 1-based position in the relation.
    public var index: Int?
    public var comment: String?
}

/// A table statistic (`row_count`, `column_count`, …); `include: false` ones are meant to be hidden.
public struct CatalogStat: Sendable, Encodable, Equatable {
    public var id: String
    public var label: String?
    /// The value as text: `1517`, `true`, `2026-11-28`.
    public var value: String?
    public var include: Bool
    public var description: String?
}

/// catalog.json (v1).
public struct Catalog: Sendable {
    public let metadata: ArtifactMetadata
    /// `nodes` entries in file order.
    public let nodes: [CatalogEntry]
    /// `sources` entries in file order.
    public let sources: [CatalogEntry]
    private let indexByID: [String: (section: CatalogSection, position: Int)]
    private let data: Data

    public func entries(in section: CatalogSection) -> [CatalogEntry] {
        section == .nodes ? nodes : sources
    }

    public func entry(_ uniqueID: String) -> CatalogEntry? {
        guard let place = indexByID[uniqueID] else { return nil }
        return entries(in: place.section)[place.position]
    }

    /// The entry's columns sorted by `index`.
    public func columns(of entry: CatalogEntry) -> [CatalogColumn] {
        guard let offset = entry.columnsOffset else { return [] }
        let columns = data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes, position: offset)
            return (try? Self.readColumns(&scanner)) ?? []
        }
        return columns.sorted { ($0.index ?? Int.max) < ($1.index ?? Int.max) }
    }

    /// All the entry's stats, in file order (filter on `include` to show them).
    public func stats(of entry: CatalogEntry) -> [CatalogStat] {
        guard let offset = entry.statsOffset else { return [] }
        return data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes, position: offset)
            return (try? Self.readStats(&scanner)) ?? []
        }
    }

    /// True when the entry's JSON text contains `lowered` (ASCII, lower-case), ignoring case.
    /// A cheap filter before decoding: any match in a name, type or comment shows in the text.
    func rawText(of entry: CatalogEntry, contains lowered: [UInt8]) -> Bool {
        data.withJSONBytes { ASCIIBytes.containsIgnoringCase(UnsafeBufferPointer(rebasing: $0[entry.byteRange]), lowered) }
    }

    public static func decode(_ data: Data) throws(ArtifactError) -> Catalog {
        try decodeArtifact(data, as: .catalog) { scanner in
            var metadata = ArtifactMetadata()
            var nodes: [CatalogEntry]?
            var sources: [CatalogEntry] = []
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                if scanner.key(key, is: "metadata") {
                    metadata = try ArtifactMetadata.read(&scanner)
                    try metadata.check(expected: .catalog)
                } else if scanner.key(key, is: "nodes") {
                    nodes = try readEntries(&scanner, section: .nodes)
                } else if scanner.key(key, is: "sources") {
                    sources = try readEntries(&scanner, section: .sources)
                } else {
                    try scanner.skipValue()
                }
            }
            guard let nodes else {
                if let kind = metadata.kind, kind != .catalog { throw ArtifactError.wrongKind(expected: .catalog, found: kind) }
                throw ArtifactError.missingField(.catalog, field: "nodes")
            }
            return Catalog(metadata: metadata, nodes: nodes, sources: sources, data: data)
        }
    }

    private init(metadata: ArtifactMetadata, nodes: [CatalogEntry], sources: [CatalogEntry], data: Data) {
        self.metadata = metadata
        self.nodes = nodes
        self.sources = sources
        self.data = data
        var index: [String: (section: CatalogSection, position: Int)] = [:]
        index.reserveCapacity(nodes.count + sources.count)
        for (position, entry) in nodes.enumerated() { index[entry.uniqueID] = (.nodes, position) }
        for (position, entry) in sources.enumerated() { index[entry.uniqueID] = (.sources, position) }
        indexByID = index
    }

    private static func readEntries(_ scanner: inout JSONScanner, section: CatalogSection) throws(JSONScanError) -> [CatalogEntry] {
        guard try scanner.peek() == UInt8(ascii: "{") else {
            try scanner.skipValue()
            return []
        }
        var entries: [CatalogEntry] = []
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            var entry = CatalogEntry(uniqueID: scanner.string(of: key), section: section, database: "", schema: "", name: "")
            guard try scanner.peek() == UInt8(ascii: "{") else {
                try scanner.skipValue()
                continue
            }
            let start = scanner.position
            try scanner.beginObject()
            while let field = try scanner.nextKey() {
                if scanner.key(field, is: "metadata") {
                    try readTableMetadata(&scanner, into: &entry)
                } else if scanner.key(field, is: "columns") {
                    entry.columnsOffset = scanner.position
                    try scanner.skipValue()
                } else if scanner.key(field, is: "stats") {
                    entry.statsOffset = scanner.position
                    try scanner.skipValue()
                } else {
                    try scanner.skipValue()
                }
            }
            entry.byteRange = start..<scanner.position
            entries.append(entry)
        }
        return entries
    }

    private static func readTableMetadata(_ scanner: inout JSONScanner, into entry: inout CatalogEntry) throws(JSONScanError) {
        try scanner.readObject { scanner, key throws(JSONScanError) in
            if scanner.key(key, is: "type") {
                entry.tableType = try scanner.readOptionalString()
            } else if scanner.key(key, is: "database") {
                entry.database = try scanner.readOptionalString() ?? ""
            } else if scanner.key(key, is: "schema") {
                entry.schema = try scanner.readOptionalString() ?? ""
            } else if scanner.key(key, is: "name") {
                entry.name = try scanner.readOptionalString() ?? ""
            } else if scanner.key(key, is: "comment") {
                entry.comment = try scanner.readOptionalString()
            } else if scanner.key(key, is: "owner") {
                entry.owner = try scanner.readOptionalString()
            } else {
                try scanner.skipValue()
            }
        }
    }

    private static func readColumns(_ scanner: inout JSONScanner) throws(JSONScanError) -> [CatalogColumn] {
        guard try scanner.peek() == UInt8(ascii: "{") else { return [] }
        var columns: [CatalogColumn] = []
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            var column = CatalogColumn(name: scanner.string(of: key))
            try scanner.readObject { scanner, field throws(JSONScanError) in
                if scanner.key(field, is: "name") {
                    column.name = try scanner.readOptionalString() ?? column.name
                } else if scanner.key(field, is: "type") {
                    column.type = try scanner.readOptionalString()
                } else if scanner.key(field, is: "index") {
                    column.index = try scanner.readOptionalInt()
                } else if scanner.key(field, is: "comment") {
                    column.comment = try scanner.readOptionalString()
                } else {
                    try scanner.skipValue()
                }
            }
            columns.append(column)
        }
        return columns
    }

    private static func readStats(_ scanner: inout JSONScanner) throws(JSONScanError) -> [CatalogStat] {
        guard try scanner.peek() == UInt8(ascii: "{") else { return [] }
        var stats: [CatalogStat] = []
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            var stat = CatalogStat(id: scanner.string(of: key), include: false)
            let isObject = try scanner.readObject { scanner, field throws(JSONScanError) in
                if scanner.key(field, is: "id") {
                    stat.id = try scanner.readOptionalString() ?? stat.id
                } else if scanner.key(field, is: "label") {
                    stat.label = try scanner.readOptionalString()
                } else if scanner.key(field, is: "value") {
                    stat.value = try scanner.readScalarText()
                } else if scanner.key(field, is: "include") {
                    stat.include = try scanner.readOptionalBool() ?? false
                } else if scanner.key(field, is: "description") {
                    stat.description = try scanner.readOptionalString()
                } else {
                    try scanner.skipValue()
                }
            }
            if isObject { stats.append(stat) }
        }
        return stats
    }
}
