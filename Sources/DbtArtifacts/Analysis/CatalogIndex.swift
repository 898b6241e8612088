import Foundation

/// A node as listed in the browser's schema level.
public struct CatalogNodeSummary: Sendable, Encodable, Equatable {
    public var uniqueID: String
    /// The node name (`dim_customers`, `erp.orders` for a source).
    public var name: String
    /// The relation name in the warehouse.
    public var relation: String
    public var tableType: String?
    public var resourceType: String

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", name, relation, tableType = "type", resourceType = "resource_type"
    }
}

/// A column merged from the catalog (warehouse type, position) and the manifest (YAML description).
public struct ColumnDetail: Sendable, Encodable, Equatable {
    public var index: Int?
    public var name: String
    public var type: String?
    /// The YAML description, else the warehouse comment.
    public var description: String?
    /// The warehouse's column comment.
    public var comment: String?
    /// The type declared in YAML (contracts), when there is one.
    public var declaredType: String?

    enum CodingKeys: String, CodingKey {
        case index, name, type, description, comment, declaredType = "declared_type"
    }
}

/// `catalog show NODE`: everything known about one relation.
public struct NodeDetail: Sendable, Encodable {
    public var uniqueID: String
    public var section: CatalogSection
    public var name: String
    public var resourceType: String
    public var database: String
    public var schema: String
    public var relation: String
    public var tableType: String?
    public var owner: String?
    public var comment: String?
    /// The manifest description, when a manifest was given.
    public var description: String?
    public var materialized: String?
    public var originalFilePath: String?
    public var columns: [ColumnDetail]
    /// Only the stats with `include: true` (row_count, column_count, …); has_stats is hidden.
    public var stats: [CatalogStat]

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", section, name, resourceType = "resource_type", database, schema, relation
        case tableType = "type", owner, comment, description, materialized
        case originalFilePath = "original_file_path", columns, stats
    }
}

/// One match of `catalog search TEXT`.
public struct SearchHit: Sendable, Encodable, Equatable {
    public enum Field: String, Sendable, Encodable {
        case nodeName = "node_name"
        case columnName = "column_name"
        case nodeDescription = "node_description"
        case columnDescription = "column_description"
    }

    public var uniqueID: String
    public var nodeName: String
    public var field: Field
    /// The column, for column hits.
    public var column: String?
    /// The text that matched (a name, or the description).
    public var text: String
    /// Higher is better: exact name > name prefix > name contains > column > description.
    public var score: Int

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", nodeName = "node_name", field, column, text, score
    }
}

/// The catalog arranged for browsing: section → database → schema → node → detail,
/// merged with the manifest's names and descriptions when a manifest is given.
public struct CatalogIndex: Sendable {
    public let catalog: Catalog
    public let manifest: Manifest?
    public let resolver: NodeResolver

    public init(catalog: Catalog, manifest: Manifest? = nil) {
        self.catalog = catalog
        self.manifest = manifest
        var aliases: [String: String] = [:]
        for entry in catalog.nodes + catalog.sources where !NodeResolver.isReadable(entry.name, from: entry.uniqueID) {
            aliases[entry.uniqueID] = entry.name
        }
        resolver = NodeResolver(
            uniqueIDs: catalog.nodes.map(\.uniqueID) + catalog.sources.map(\.uniqueID), aliases: aliases
        )
    }

    /// Databases of a section, sorted.
    public func databases(of section: CatalogSection) -> [String] {
        Set(catalog.entries(in: section).map(\.database)).sorted()
    }

    /// Schemas of a database in a section, sorted.
    public func schemas(database: String, section: CatalogSection) -> [String] {
        Set(catalog.entries(in: section).filter { $0.database == database }.map(\.schema)).sorted()
    }

    /// Nodes of a schema, sorted by name.
    public func nodes(database: String, schema: String, section: CatalogSection) -> [CatalogNodeSummary] {
        catalog.entries(in: section)
            .filter { $0.database == database && $0.schema == schema }
            .map(summary(of:))
            .sorted { $0.name < $1.name }
    }

    public func resolve(_ query: String) -> NodeResolution { resolver.resolve(query) }

    public func detail(uniqueID: String) -> NodeDetail? {
        guard let entry = catalog.entry(uniqueID) else { return nil }
        let node = manifest?.node(uniqueID)
        var documented: [String: ManifestColumn] = [:]
        for column in node.flatMap({ manifest?.columns(of: $0) }) ?? [] {
            documented[column.name.lowercased()] = column
        }
        let columns = catalog.columns(of: entry).map { column -> ColumnDetail in
            let yaml = documented[column.name.lowercased()]
            let description = yaml?.description.map(Self.trimmed).flatMap { $0.isEmpty ? nil : $0 }
                ?? column.comment.map(Self.trimmed)
            return ColumnDetail(
                index: column.index, name: column.name, type: column.type, description: description,
                comment: column.comment.map(Self.trimmed), declaredType: yaml?.dataType
            )
        }
        return NodeDetail(
            uniqueID: uniqueID,
            section: entry.section,
            name: summary(of: entry).name,
            resourceType: node?.resourceType ?? NodeNames.resourceType(of: uniqueID),
            database: entry.database,
            schema: entry.schema,
            relation: relation(of: entry),
            tableType: entry.tableType,
            owner: entry.owner,
            comment: entry.comment.map(Self.trimmed),
            description: node?.description.map(Self.trimmed).flatMap { $0.isEmpty ? nil : $0 },
            materialized: node?.materialized,
            originalFilePath: node?.originalFilePath,
            columns: columns,
            stats: catalog.stats(of: entry).filter(\.include)
        )
    }

    /// Nodes whose name, columns or descriptions contain `text` (ignoring case), best first.
    public func search(_ text: String, limit: Int = 50) -> [SearchHit] {
        let needle = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !needle.isEmpty else { return [] }
        var hits: [SearchHit] = []
        let rawNeedle = Array(needle.utf8)
        let canPrefilter = rawNeedle.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        for entry in catalog.nodes + catalog.sources {
            if canPrefilter, !catalog.rawText(of: entry, contains: rawNeedle),
               manifest?.rawText(of: entry.uniqueID, contains: rawNeedle) != true {
                continue
            }
            let node = manifest?.node(entry.uniqueID)
            let name = node?.displayName ?? NodeNames.shortName(entry.uniqueID)
            let lowerName = name.lowercased()
            if lowerName == needle || entry.name.lowercased() == needle {
                hits.append(SearchHit(uniqueID: entry.uniqueID, nodeName: name, field: .nodeName, text: name, score: 100))
            } else if lowerName.hasPrefix(needle) {
                hits.append(SearchHit(uniqueID: entry.uniqueID, nodeName: name, field: .nodeName, text: name, score: 80))
            } else if lowerName.contains(needle) || entry.name.lowercased().contains(needle) {
                hits.append(SearchHit(uniqueID: entry.uniqueID, nodeName: name, field: .nodeName, text: name, score: 60))
            }
            let description = node?.description ?? entry.comment
            if let description, description.lowercased().contains(needle) {
                hits.append(SearchHit(uniqueID: entry.uniqueID, nodeName: name, field: .nodeDescription, text: description, score: 20))
            }
            var documented: [String: String] = [:]
            if let node, let manifest {
                for column in manifest.columns(of: node) {
                    if let description = column.description, !description.isEmpty {
                        documented[column.name.lowercased()] = description
                    }
                }
            }
            for column in catalog.columns(of: entry) {
                let lowerColumn = column.name.lowercased()
                if lowerColumn == needle {
                    hits.append(SearchHit(uniqueID: entry.uniqueID, nodeName: name, field: .columnName, column: column.name, text: column.name, score: 50))
                } else if lowerColumn.contains(needle) {
                    hits.append(SearchHit(uniqueID: entry.uniqueID, nodeName: name, field: .columnName, column: column.name, text: column.name, score: 40))
                }
                if let description = documented[lowerColumn] ?? column.comment, description.lowercased().contains(needle) {
                    hits.append(SearchHit(uniqueID: entry.uniqueID, nodeName: name, field: .columnDescription, column: column.name, text: description, score: 10))
                }
            }
        }
        let ranked = hits.sorted {
            ($0.score, $1.nodeName, $1.column ?? "") > ($1.score, $0.nodeName, $0.column ?? "")
        }
        return Array(ranked.prefix(max(0, limit)))
    }

    private func summary(of entry: CatalogEntry) -> CatalogNodeSummary {
        let node = manifest?.node(entry.uniqueID)
        return CatalogNodeSummary(
            uniqueID: entry.uniqueID,
            name: node?.displayName ?? NodeNames.shortName(entry.uniqueID),
            relation: relation(of: entry),
            tableType: entry.tableType,
            resourceType: node?.resourceType ?? NodeNames.resourceType(of: entry.uniqueID)
        )
    }

    private static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func relation(of entry: CatalogEntry) -> String {
        [entry.database, entry.schema, entry.name].filter { !$0.isEmpty }.joined(separator: ".")
    }
}
