import Foundation

/// One node of manifest.json: an entry of `nodes`, `sources`, `exposures` or `unit_tests`.
public struct ManifestNode: Sendable, Encodable {
    public var uniqueID: String
    public var resourceType: String
    public var name: String
    public var packageName: String?
    public var database: String?
    public var schema: String?
    public var alias: String?
    /// Sources: the table name in the warehouse.
    public var identifier: String?
    /// Sources: the `sources:` entry the table belongs to.
    public var sourceName: String?
    public var relationName: String?
    public var originalFilePath: String?
    /// The YAML file that documents the node, without the `package://` prefix.
    public var patchPath: String?
    public var description: String?
    public var materialized: String?
    /// Tests: `config.severity` (`error` or `warn`).
    public var severity: String?
    /// Tests: the model, seed, snapshot or source the test is attached to.
    public var attachedNode: String?
    /// Tests: the tested column.
    public var columnName: String?
    /// Generic tests: `test_metadata.name` (`unique`, `not_null`, …).
    public var testName: String?
    /// Unit tests: the name of the model under test.
    public var model: String?
    public var tags: [String] = []
    /// Exposures: `dashboard`, `application`, `notebook`, `analysis`, `ml`.
    public var exposureType: String?
    /// Exposures: the name people know it by (`Weekly Revenue (Finance)`).
    public var label: String?
    /// Sources: a freshness check is configured (`warn_after` or `error_after`).
    public var hasFreshnessCheck = false
    var compiledCodeOffset: Int?
    var rawCodeOffset: Int?
    var columnsOffset: Int?

    /// True when `compiled_code` is present, i.e. the node was compiled in that invocation.
    public var hasCompiledCode: Bool { compiledCodeOffset != nil }

    /// `source_name.name` for sources, the name otherwise.
    public var displayName: String {
        if let sourceName, resourceType == "source" { return "\(sourceName).\(name)" }
        return name
    }

    /// Name and resource type come from the JSON; `fillGaps()` derives them from the id when absent.
    init(uniqueID: String) {
        self.uniqueID = uniqueID
        self.resourceType = ""
        self.name = ""
    }

    mutating func fillGaps() {
        if resourceType.isEmpty { resourceType = NodeNames.resourceType(of: uniqueID) }
        if name.isEmpty { name = NodeNames.shortName(uniqueID) }
    }

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", resourceType = "resource_type", name, packageName = "package_name"
        case database, schema, alias, identifier, sourceName = "source_name", relationName = "relation_name"
        case originalFilePath = "original_file_path", patchPath = "patch_path", description, materialized
        case severity, attachedNode = "attached_node", columnName = "column_name", testName = "test_name"
        case model, tags, exposureType = "exposure_type", label, hasFreshnessCheck = "has_freshness_check"
    }
}

/// A column documented in the manifest (declared in YAML).
public struct ManifestColumn: Sendable, Encodable, Equatable {
    public var name: String
    public var description: String?
    public var dataType: String?

    enum CodingKeys: String, CodingKey {
        case name, description, dataType = "data_type"
    }
}

/// Where each node of one top-level map (`nodes`, `sources`, …) starts, in file order.
struct ManifestSectionIndex: Sendable {
    var ids: [String] = []
    /// Where each value's JSON text lies in the file.
    var ranges: [String: Range<Int>] = [:]
}

/// manifest.json (v12; older versions read the same way).
///
/// Decoding only indexes the file: it records where each node and each `parent_map` entry
/// starts and skips the rest, so a 25 MB manifest costs one pass over its bytes. A node's
/// fields are decoded when asked for (`node(_:)`), which takes microseconds.
public struct Manifest: Sendable {
    public let metadata: ArtifactMetadata
    private let nodeIndex: ManifestSectionIndex
    private let sourceIndex: ManifestSectionIndex
    private let exposureIndex: ManifestSectionIndex
    private let unitTestIndex: ManifestSectionIndex
    private let parentRanges: [String: Range<Int>]
    private let data: Data

    /// unique_ids of `nodes` (models, tests, seeds, snapshots, analyses, operations), in file order.
    public var nodeIDs: [String] { nodeIndex.ids }
    public var sourceIDs: [String] { sourceIndex.ids }
    public var exposureIDs: [String] { exposureIndex.ids }
    public var unitTestIDs: [String] { unitTestIndex.ids }
    /// Every unique_id of every kind.
    public var allIDs: [String] { nodeIndex.ids + sourceIndex.ids + exposureIndex.ids + unitTestIndex.ids }

    /// A node from any of `nodes`, `sources`, `exposures`, `unit_tests`.
    public func node(_ uniqueID: String) -> ManifestNode? {
        guard let range = range(of: uniqueID) else { return nil }
        return decodeNode(uniqueID, at: range.lowerBound)
    }

    private func range(of uniqueID: String) -> Range<Int>? {
        nodeIndex.ranges[uniqueID] ?? sourceIndex.ranges[uniqueID]
            ?? exposureIndex.ranges[uniqueID] ?? unitTestIndex.ranges[uniqueID]
    }

    public func contains(_ uniqueID: String) -> Bool {
        range(of: uniqueID) != nil
    }

    /// True for an entry of `nodes` (not a source, exposure or unit test).
    public func isInNodes(_ uniqueID: String) -> Bool { nodeIndex.ranges[uniqueID] != nil }

    /// True when the node's JSON text contains `lowered` (ASCII, lower-case), ignoring case;
    /// false for unknown nodes.
    func rawText(of uniqueID: String, contains lowered: [UInt8]) -> Bool {
        guard let range = range(of: uniqueID) else { return false }
        return data.withJSONBytes { ASCIIBytes.containsIgnoringCase(UnsafeBufferPointer(rebasing: $0[range]), lowered) }
    }

    /// `nodes`, all decoded (costly on a large manifest; prefer `node(_:)`).
    public var nodes: [String: ManifestNode] { decodeAll(nodeIndex) }
    public var sources: [String: ManifestNode] { decodeAll(sourceIndex) }
    public var exposures: [String: ManifestNode] { decodeAll(exposureIndex) }
    public var unitTests: [String: ManifestNode] { decodeAll(unitTestIndex) }

    /// The unique_ids a node depends on (`parent_map`).
    public func parents(of uniqueID: String) -> [String] {
        guard let range = parentRanges[uniqueID] else { return [] }
        return data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes, position: range.lowerBound)
            return (try? scanner.readStringArray()) ?? []
        }
    }

    /// `parent_map`, all decoded.
    public var parentMap: [String: [String]] {
        var map: [String: [String]] = [:]
        for id in parentRanges.keys { map[id] = parents(of: id) }
        return map
    }

    /// `child_map`, rebuilt from `parent_map` (unique_id → its direct dependents, sorted).
    public func childMap() -> [String: [String]] {
        var children: [String: [String]] = [:]
        for (child, parents) in parentMap {
            for parent in parents { children[parent, default: []].append(child) }
        }
        for key in children.keys { children[key]?.sort() }
        return children
    }

    /// `compiled_code` of the node, absent when it was not compiled in that invocation.
    public func compiledCode(of uniqueID: String) -> String? {
        node(uniqueID)?.compiledCodeOffset.flatMap(string(at:))
    }

    /// `raw_code`: the SQL (or Python) as written, with Jinja.
    public func rawCode(of uniqueID: String) -> String? {
        node(uniqueID)?.rawCodeOffset.flatMap(string(at:))
    }

    /// The columns documented in YAML, in the manifest's order.
    public func columns(of uniqueID: String) -> [ManifestColumn] {
        node(uniqueID).map(columns(of:)) ?? []
    }

    public func columns(of node: ManifestNode) -> [ManifestColumn] {
        guard let offset = node.columnsOffset else { return [] }
        return data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes, position: offset)
            return (try? Self.readColumns(&scanner)) ?? []
        }
    }

    private func string(at offset: Int) -> String? {
        data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes, position: offset)
            return try? scanner.readOptionalString()
        }
    }

    private func decodeNode(_ uniqueID: String, at offset: Int) -> ManifestNode? {
        data.withJSONBytes { bytes in
            var scanner = JSONScanner(bytes, position: offset)
            return try? Self.readNode(&scanner, uniqueID: uniqueID)
        }
    }

    private func decodeAll(_ index: ManifestSectionIndex) -> [String: ManifestNode] {
        var map: [String: ManifestNode] = [:]
        map.reserveCapacity(index.ids.count)
        for (id, range) in index.ranges { map[id] = decodeNode(id, at: range.lowerBound) }
        return map
    }

    public static func decode(_ data: Data) throws(ArtifactError) -> Manifest {
        try decodeArtifact(data, as: .manifest) { scanner in
            var metadata = ArtifactMetadata()
            var nodes: ManifestSectionIndex?
            var sources = ManifestSectionIndex()
            var exposures = ManifestSectionIndex()
            var unitTests = ManifestSectionIndex()
            var parentRanges: [String: Range<Int>] = [:]
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                if scanner.key(key, is: "metadata") {
                    metadata = try ArtifactMetadata.read(&scanner)
                    try metadata.check(expected: .manifest)
                } else if scanner.key(key, is: "nodes") {
                    nodes = try indexSection(&scanner)
                } else if scanner.key(key, is: "sources") {
                    sources = try indexSection(&scanner)
                } else if scanner.key(key, is: "exposures") {
                    exposures = try indexSection(&scanner)
                } else if scanner.key(key, is: "unit_tests") {
                    unitTests = try indexSection(&scanner)
                } else if scanner.key(key, is: "parent_map") {
                    parentRanges = try indexSection(&scanner).ranges
                } else {
                    try scanner.skipValue()
                }
            }
            guard let nodes else {
                if let kind = metadata.kind, kind != .manifest { throw ArtifactError.wrongKind(expected: .manifest, found: kind) }
                throw ArtifactError.missingField(.manifest, field: "nodes")
            }
            return Manifest(
                metadata: metadata, nodeIndex: nodes, sourceIndex: sources, exposureIndex: exposures,
                unitTestIndex: unitTests, parentRanges: parentRanges, data: data
            )
        }
    }

    private init(
        metadata: ArtifactMetadata, nodeIndex: ManifestSectionIndex, sourceIndex: ManifestSectionIndex,
        exposureIndex: ManifestSectionIndex, unitTestIndex: ManifestSectionIndex,
        parentRanges: [String: Range<Int>], data: Data
    ) {
        self.metadata = metadata
        self.nodeIndex = nodeIndex
        self.sourceIndex = sourceIndex
        self.exposureIndex = exposureIndex
        self.unitTestIndex = unitTestIndex
        self.parentRanges = parentRanges
        self.data = data
    }

    /// Records where each value of an object starts, keyed by its key, and skips the values.
    private static func indexSection(_ scanner: inout JSONScanner) throws(JSONScanError) -> ManifestSectionIndex {
        var index = ManifestSectionIndex()
        guard try scanner.peek() == UInt8(ascii: "{") else {
            try scanner.skipValue()
            return index
        }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            let id = scanner.string(of: key)
            _ = try scanner.peek()
            index.ids.append(id)
            let start = scanner.position
            try scanner.skipValue()
            index.ranges[id] = start..<scanner.position
        }
        return index
    }

    private static func readNode(_ scanner: inout JSONScanner, uniqueID: String) throws(JSONScanError) -> ManifestNode {
        var node = ManifestNode(uniqueID: uniqueID)
        guard try scanner.peek() == UInt8(ascii: "{") else {
            try scanner.skipValue()
            node.fillGaps()
            return node
        }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            switch key.count {
            case 4 where scanner.key(key, is: "name"):
                node.name = try scanner.readOptionalString() ?? node.name
            case 4 where scanner.key(key, is: "tags"):
                node.tags = try scanner.readStringArray()
            case 4 where scanner.key(key, is: "type"):
                node.exposureType = try scanner.readOptionalString()
            case 5 where scanner.key(key, is: "label"):
                node.label = try scanner.readOptionalString()
            case 5 where scanner.key(key, is: "alias"):
                node.alias = try scanner.readOptionalString()
            case 5 where scanner.key(key, is: "model"):
                node.model = try scanner.readOptionalString()
            case 6 where scanner.key(key, is: "schema"):
                node.schema = try scanner.readOptionalString()
            case 6 where scanner.key(key, is: "config"):
                try readConfig(&scanner, into: &node)
            case 7 where scanner.key(key, is: "columns"):
                node.columnsOffset = scanner.position
                try scanner.skipValue()
            case 8 where scanner.key(key, is: "database"):
                node.database = try scanner.readOptionalString()
            case 8 where scanner.key(key, is: "raw_code"):
                node.rawCodeOffset = try stringOffset(&scanner)
            case 9 where scanner.key(key, is: "freshness"):
                node.hasFreshnessCheck = try readHasFreshnessCheck(&scanner)
            case 10 where scanner.key(key, is: "identifier"):
                node.identifier = try scanner.readOptionalString()
            case 10 where scanner.key(key, is: "patch_path"):
                node.patchPath = try scanner.readOptionalString().map(stripPackagePrefix)
            case 11 where scanner.key(key, is: "source_name"):
                node.sourceName = try scanner.readOptionalString()
            case 11 where scanner.key(key, is: "description"):
                node.description = try scanner.readOptionalString()
            case 11 where scanner.key(key, is: "column_name"):
                node.columnName = try scanner.readOptionalString()
            case 12 where scanner.key(key, is: "package_name"):
                node.packageName = try scanner.readOptionalString()
            case 13 where scanner.key(key, is: "resource_type"):
                node.resourceType = try scanner.readOptionalString() ?? node.resourceType
            case 13 where scanner.key(key, is: "relation_name"):
                node.relationName = try scanner.readOptionalString()
            case 13 where scanner.key(key, is: "attached_node"):
                node.attachedNode = try scanner.readOptionalString()
            case 13 where scanner.key(key, is: "compiled_code"):
                node.compiledCodeOffset = try stringOffset(&scanner)
            case 13 where scanner.key(key, is: "test_metadata"):
                node.testName = try readTestName(&scanner)
            case 18 where scanner.key(key, is: "original_file_path"):
                node.originalFilePath = try scanner.readOptionalString()
            default:
                try scanner.skipValue()
            }
        }
        node.fillGaps()
        return node
    }

    private static func stringOffset(_ scanner: inout JSONScanner) throws(JSONScanError) -> Int? {
        let offset = try scanner.peek() == UInt8(ascii: "\"") ? scanner.position : nil
        try scanner.skipValue()
        return offset
    }

    private static func stripPackagePrefix(_ path: String) -> String {
        guard let range = path.range(of: "://") else { return path }
        return String(path[range.upperBound...])
    }

    private static func readConfig(_ scanner: inout JSONScanner, into node: inout ManifestNode) throws(JSONScanError) {
        try scanner.readObject { scanner, key throws(JSONScanError) in
            if scanner.key(key, is: "materialized") {
                node.materialized = try scanner.readOptionalString()
            } else if scanner.key(key, is: "severity") {
                node.severity = try scanner.readOptionalString()
            } else {
                try scanner.skipValue()
            }
        }
    }

    private static func readHasFreshnessCheck(_ scanner: inout JSONScanner) throws(JSONScanError) -> Bool {
        var configured = false
        try scanner.readObject { scanner, key throws(JSONScanError) in
            if scanner.key(key, is: "warn_after") || scanner.key(key, is: "error_after") {
                configured = try readPeriodCount(&scanner) != nil || configured
            } else {
                try scanner.skipValue()
            }
        }
        return configured
    }

    /// `count` of a `{"count": 12, "period": "hour"}` object; nil for null or a null count.
    private static func readPeriodCount(_ scanner: inout JSONScanner) throws(JSONScanError) -> Int? {
        var count: Int?
        try scanner.readObject { scanner, key throws(JSONScanError) in
            if scanner.key(key, is: "count") {
                count = try scanner.readOptionalInt()
            } else {
                try scanner.skipValue()
            }
        }
        return count
    }

    private static func readTestName(_ scanner: inout JSONScanner) throws(JSONScanError) -> String? {
        var name: String?
        try scanner.readObject { scanner, key throws(JSONScanError) in
            if scanner.key(key, is: "name") {
                name = try scanner.readOptionalString()
            } else {
                try scanner.skipValue()
            }
        }
        return name
    }

    static func readColumns(_ scanner: inout JSONScanner) throws(JSONScanError) -> [ManifestColumn] {
        guard try scanner.peek() == UInt8(ascii: "{") else { return [] }
        var columns: [ManifestColumn] = []
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            var column = ManifestColumn(name: scanner.string(of: key))
            try scanner.readObject { scanner, field throws(JSONScanError) in
                if scanner.key(field, is: "name") {
                    column.name = try scanner.readOptionalString() ?? column.name
                } else if scanner.key(field, is: "description") {
                    column.description = try scanner.readOptionalString()
                } else if scanner.key(field, is: "data_type") {
                    column.dataType = try scanner.readOptionalString()
                } else {
                    try scanner.skipValue()
                }
            }
            columns.append(column)
        }
        return columns
    }
}
