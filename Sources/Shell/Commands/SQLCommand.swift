import DbtArtifacts
import DbtCloud

struct SQLCommand: ShellCommand {
    static let configuration = CommandConfiguration("sql", summary: "the compiled SQL of a node in a run",
                                                    discussion: "The table format prints the SQL as it is; json is {unique_id, origin, sql}; markdown a fenced sql block. --diff prints a unified diff of the node's compiled SQL against the last run of the job where the node passed (the job's last successful run, else found by binary search over its runs); its json is {unique_id, old_run_id, new_run_id, diff}.",
                                                    examples: ["sql int_customer_order_history", "sql fct_orders --raw", "sql fct_orders --json",
                                                               "sql int_customer_order_history --diff 959"],
                                                    fields: ["unique_id", "origin", "sql"])
    @Argument("NODE", .node) var node: String
    @Argument("RUN", .run) var runArgument: String?
    @OptionGroup var files: LocalArtifactOptions
    @Option("run", .run, valueName: "RUN", help: "another run than the context's") var runRef: String?
    @Flag("raw", help: "the node's source (raw) code instead") var raw: Bool
    @Flag("diff", help: "a unified diff against the last run where the node passed") var diff: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        if runArgument != nil, runRef != nil { throw CommandFailure.usage("sql: name the run once, as RUN or --run") }
        let artifacts = RunArtifacts(session: session, files: files)
        let runID = artifacts.usesLocalFiles ? nil : try await session.requireRun(runArgument ?? runRef)
        if diff {
            guard let runID, !raw else { throw CommandFailure.usage("sql --diff compares runs of a job: it takes no --file and no --raw") }
            return try await SQLDiff(session: session, output: output).run(node: node, runID: runID, files: files)
        }
        let lookup = try await MissingArtifact(session: session).explaining(runID: runID, step: files.step) {
            async let manifest = artifacts.manifest(runID: runID)
            let results = try await artifacts.runResults(runID: runID)
            return SQLLookup(results: results, manifest: try await manifest)
        }
        let uniqueID = try NodeChoice.pick(node, lookup.resolve(node))
        if raw {
            guard let source = lookup.rawCode(for: uniqueID) else {
                throw CommandFailure.apiRefused("sql: no source code for \(uniqueID) (the manifest is needed: --manifest FILE)")
            }
            try print(source, of: uniqueID, origin: "source", session: session)
            return 0
        }
        switch lookup.compiledSQL(for: uniqueID) {
        case .compiled(let sql, let origin):
            session.console.errorLine("-- \(uniqueID) (compiled, from \(origin.rawValue))")
            try print(sql, of: uniqueID, origin: origin.rawValue, session: session)
            return 0
        case .unavailable(let reason):
            throw CommandFailure.apiRefused("sql: \(reason); 'sql \(node) --raw' shows its source")
        }
    }
}

extension SQLCommand {
    private func print(_ sql: String, of uniqueID: String, origin: String, session: Session) throws {
        let record: JSONValue = .object(["unique_id": .string(uniqueID), "origin": .string(origin), "sql": .string(sql)])
        try DataOutput(session, output, command: "sql").printRecord(record, markdown: DelimitedText.fenced(sql, language: "sql")) {
            session.console.out(sql.hasSuffix("\n") ? sql : sql + "\n")
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
