import DbtArtifacts
import DbtCloud
import Foundation

/// `--file`, `--manifest` and `--run` of the catalog commands.
struct CatalogSourceOptions: ParsableOptions {
    @Option("file", .file, valueName: "catalog.json", help: "a local catalog.json instead of the run's") var file: String?
    @Option("manifest", .file, valueName: "manifest.json", help: "a local manifest.json for descriptions") var manifest: String?
    @Option("run", .run, valueName: "RUN", help: "another run than the context's") var runRef: String?
}

/// Where a catalog comes from: `--file catalog.json` (and `--manifest`), or a run's artifacts.
struct CatalogSource {
    let session: Session
    let options: CatalogSourceOptions

    func load() async throws -> CatalogIndex {
        if let file = options.file {
            let catalog = try RunArtifacts.decodeLocal(file, Catalog.decode)
            let manifest = try options.manifest.map { try RunArtifacts.decodeLocal($0, Manifest.decode) }
            return CatalogIndex(catalog: catalog, manifest: manifest)
        }
        let runID = try await session.requireRun(options.runRef)
        let store = ArtifactStore(session: session)
        async let manifestData = try? store.data(runID: runID, path: "manifest.json", step: nil)
        let (catalogData, _) = try await MissingArtifact(session: session).explaining(runID: runID) {
            try await store.data(runID: runID, path: "catalog.json", step: nil)
        }
        let catalog = try Catalog.decode(catalogData)
        var manifest: Manifest?
        if let local = options.manifest {
            manifest = try RunArtifacts.decodeLocal(local, Manifest.decode)
        } else if let (data, _) = await manifestData {
            manifest = try? Manifest.decode(data)
        }
        return CatalogIndex(catalog: catalog, manifest: manifest)
    }
}

struct CatalogShowCommand: ShellCommand {
    static let configuration = CommandConfiguration("catalog show", summary: "a relation's columns (types and descriptions) and stats",
                                                    discussion: "As data, a row per column; json is the relation with its columns.",
                                                    examples: ["catalog show dim_customers", "catalog show erp.orders --file target/catalog.json"],
                                                    fields: CatalogColumnRow.fields.map(\.key))
    @Argument("NODE", .relation) var typed: String
    @OptionGroup var source: CatalogSourceOptions
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let index = try await CatalogSource(session: session, options: source).load()
        let uniqueID = try NodeChoice.pick(typed, index.resolve(typed), in: NodeChoice.inTheCatalog)
        guard let detail = index.detail(uniqueID: uniqueID) else {
            throw CommandFailure.apiRefused("\(uniqueID) is not in the catalog (ephemeral models, tests and missing tables are not)")
        }
        let document = try JSONText.value(detail)
        try DataOutput(session, output, command: "catalog show").print(DataRows(detail.columns, fields: CatalogColumnRow.fields),
                                                                        document: { document.setting("columns", to: $0) }) {
            NodeDetailText.print(detail, to: session.console)
        }
        return 0
    }
}

struct CatalogSearchCommand: ShellCommand {
    static let configuration = CommandConfiguration("catalog search", summary: "find relations and columns by name or description",
                                                    examples: ["catalog search revenue", "catalog search customer_id --json"],
                                                    fields: SearchHitRow.fields.map(\.key))
    @Argument("TEXT") var words: [String]
    @OptionGroup var source: CatalogSourceOptions
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let index = try await CatalogSource(session: session, options: source).load()
        let hits = index.search(words.joined(separator: " "))
        try CatalogSearchOutput.print(hits, session: session, output: output)
        return 0
    }
}

/// The hits of `catalog search` and of the browser's `search`, as one table (or the chosen format).
enum CatalogSearchOutput {
    static func print(_ hits: [SearchHit], session: Session, output: OutputOptions = OutputOptions()) throws {
        try DataOutput(session, output, command: "catalog search")
            .print(DataRows(hits, fields: SearchHitRow.fields), emptyMessage: "nothing in the catalog matches")
    }
}

struct CatalogBrowseCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "catalog browse", summary: "browse sources or nodes → database → schema → relation → columns",
        discussion: "An interactive mode with its own prompt and its own history: 'cd PATH' (or the path alone) moves like a file system (cd nodes/analytics, cd ../.., cd /), TAB completes a level at a time, 'ls' lists, 'show NAME' details a relation, 'search TEXT' finds, 'exit' returns to the shell.")
    @OptionGroup var source: CatalogSourceOptions

    func run(in session: Session) async throws -> Int32 {
        let index = try await CatalogSource(session: session, options: source).load()
        let browser = CatalogBrowser(index: index)
        session.enter(browser)
        session.console.errorLine("catalog: \(index.catalog.nodes.count) nodes, \(index.catalog.sources.count) sources. TAB completes, '..' goes up, 'exit' returns.")
        browser.list(session: session)
        return 0
    }
}

enum NodeDetailText {
    static func print(_ detail: NodeDetail, to console: Console) {
        console.line("\(detail.resourceType) \(detail.name)  \(detail.relation)")
        var facts: [String] = []
        if let type = detail.tableType { facts.append(type.lowercased()) }
        if let materialized = detail.materialized { facts.append("materialized: \(materialized)") }
        if let owner = detail.owner { facts.append("owner: \(owner)") }
        if !facts.isEmpty { console.line("  " + facts.joined(separator: " · ")) }
        if let description = detail.description ?? detail.comment, !description.isEmpty {
            for line in description.split(separator: "\n", omittingEmptySubsequences: false) { console.line("  " + line) }
        }
        if let file = detail.originalFilePath { console.line("  file: \(file)") }
        for stat in detail.stats {
            console.line("  \(stat.label ?? stat.id): \(stat.value ?? "")")
        }
        console.line()
        let rows = detail.columns.map { column in
            [column.index.map(String.init) ?? "", column.name, column.type ?? column.declaredType ?? "", column.description ?? ""]
        }
        console.out(Table(headers: ["#", "COLUMN", "TYPE", "DESCRIPTION"], rows: rows, numeric: [0]).render(width: console.width))
    }
}

enum CatalogColumnRow {
    static var fields: [DataField<ColumnDetail>] {
        [
            .init("index", .init("#", alignment: .right, priority: 0, truncates: false)) { $0.index.map(JSONValue.int) ?? .null },
            .init("name", .init("COLUMN", priority: 0)) { .string($0.name) },
            .init("type", .init("TYPE", priority: 1), text: { $0.type ?? $0.declaredType ?? "" }) { $0.type.map(JSONValue.string) ?? .null },
            .init("declared_type", .init("DECLARED", priority: 4), inTable: false) { $0.declaredType.map(JSONValue.string) ?? .null },
            .init("description", .init("DESCRIPTION", priority: 2)) { $0.description.map(JSONValue.string) ?? .null },
            .init("comment", .init("COMMENT", priority: 4), inTable: false) { $0.comment.map(JSONValue.string) ?? .null },
        ]
    }
}

enum SearchHitRow {
    static var fields: [DataField<SearchHit>] {
        [
            .init("node_name", .init("NODE", priority: 0)) { .string($0.nodeName) },
            .init("unique_id", .init("UNIQUE ID", priority: 4), inTable: false) { .string($0.uniqueID) },
            .init("column", .init("COLUMN", priority: 1)) { $0.column.map(JSONValue.string) ?? .null },
            .init("field", .init("MATCHED", priority: 2, truncates: false)) { .string($0.field.rawValue) },
            .init("text", .init("TEXT", priority: 3)) { .string($0.text) },
            .init("score", .init("SCORE", alignment: .right, priority: 4, truncates: false), inTable: false) { .int($0.score) },
        ]
    }
}
