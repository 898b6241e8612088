import DbtArtifacts

struct SQLCommand: ShellCommand {
    static let configuration = CommandConfiguration("sql", summary: "the compiled SQL of a node in a run",
                                                    examples: ["sql int_customer_order_history", "sql fct_orders --raw"])
    @Argument("NODE", .node) var node: String
    @OptionGroup var files: LocalArtifactOptions
    @Option("run", .run, valueName: "RUN", help: "another run than the context's") var runRef: String?
    @Flag("raw", help: "the node's source (raw) code instead") var raw: Bool

    func run(in session: Session) async throws -> Int32 {
        let artifacts = RunArtifacts(session: session, files: files)
        let runID = artifacts.usesLocalFiles ? nil : try await session.requireRun(runRef)
        async let manifest = artifacts.manifest(runID: runID)
        let results = try await artifacts.runResults(runID: runID)
        let lookup = SQLLookup(results: results, manifest: try await manifest)
        let uniqueID = try NodeChoice.pick(node, lookup.resolve(node))
        if raw {
            guard let source = lookup.rawCode(for: uniqueID) else {
                throw CommandFailure.apiRefused("sql: no source code for \(uniqueID) (the manifest is needed: --manifest FILE)")
            }
            session.console.out(source.hasSuffix("\n") ? source : source + "\n")
            return 0
        }
        switch lookup.compiledSQL(for: uniqueID) {
        case .compiled(let sql, let origin):
            session.console.errorLine("-- \(uniqueID) (compiled, from \(origin.rawValue))")
            session.console.out(sql.hasSuffix("\n") ? sql : sql + "\n")
            return 0
        case .unavailable(let reason):
            throw CommandFailure.apiRefused("sql: \(reason); 'sql \(node) --raw' shows its source")
        }
    }
}

enum NodeChoice {
    /// The catalog holds relations only, so what it lacks is said differently from a run's nodes.
    static let inTheCatalog = "in the catalog (it has models, seeds, snapshots and sources, not tests)"

    static func pick(_ typed: String, _ resolution: NodeResolution, in place: String = "in this run") throws -> String {
        switch resolution {
        case .found(let id):
            return id
        case .ambiguous(let ids):
            let shown = ids.prefix(6).joined(separator: ", ")
            throw CommandFailure.usage("'\(typed)' matches \(ids.count) nodes: \(shown)\(ids.count > 6 ? ", …" : ""); give the unique id")
        case .notFound(let suggestion):
            throw CommandFailure.apiRefused("no node '\(typed)' \(place)" + (suggestion.map { " (did you mean \($0)?)" } ?? ""))
        }
    }
}
