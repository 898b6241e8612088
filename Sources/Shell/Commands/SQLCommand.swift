import DbtArtifacts

struct SQLCommand: ShellCommand {
    var spec: CommandSpec {
        CommandSpec("sql", summary: "the compiled SQL of a node in a run",
                    positionals: [PositionalSpec("NODE", .node)],
                    flags: RunArtifacts.fileFlags + [
                        FlagSpec("run", value: .run, valueName: "RUN", help: "another run than the context's"),
                        FlagSpec("raw", help: "the node's source (raw) code instead"),
                    ],
                    examples: ["sql int_customer_order_history", "sql fct_orders --raw"])
    }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let artifacts = RunArtifacts(session: session, invocation: invocation)
        let runID = artifacts.usesLocalFiles ? nil : try await session.requireRun(invocation.value("run"))
        async let manifest = artifacts.manifest(runID: runID)
        let results = try await artifacts.runResults(runID: runID)
        let lookup = SQLLookup(results: results, manifest: try await manifest)
        let uniqueID = try NodeChoice.pick(invocation.positionals[0], lookup.resolve(invocation.positionals[0]))
        if invocation.has("raw") {
            guard let raw = lookup.rawCode(for: uniqueID) else {
                throw CommandFailure.apiRefused("sql: no source code for \(uniqueID) (the manifest is needed: --manifest FILE)")
            }
            session.console.out(raw.hasSuffix("\n") ? raw : raw + "\n")
            return 0
        }
        switch lookup.compiledSQL(for: uniqueID) {
        case .compiled(let sql, let origin):
            session.console.errorLine("-- \(uniqueID) (compiled, from \(origin.rawValue))")
            session.console.out(sql.hasSuffix("\n") ? sql : sql + "\n")
            return 0
        case .unavailable(let reason):
            throw CommandFailure.apiRefused("sql: \(reason); 'sql \(invocation.positionals[0]) --raw' shows its source")
        }
    }
}

enum NodeChoice {
    static func pick(_ typed: String, _ resolution: NodeResolution) throws -> String {
        switch resolution {
        case .found(let id):
            return id
        case .ambiguous(let ids):
            let shown = ids.prefix(6).joined(separator: ", ")
            throw CommandFailure.usage("'\(typed)' matches \(ids.count) nodes: \(shown)\(ids.count > 6 ? ", …" : ""); give the unique id")
        case .notFound(let suggestion):
            throw CommandFailure.apiRefused("no node '\(typed)' in this run" + (suggestion.map { " (did you mean \($0)?)" } ?? ""))
        }
    }
}
