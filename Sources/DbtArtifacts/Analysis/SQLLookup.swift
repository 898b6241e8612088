import Foundation

/// Where compiled SQL was found.
public enum SQLOrigin: String, Sendable, Encodable {
    case runResults = "run_results"
    case manifest
}

public enum CompiledSQL: Sendable, Equatable {
    case compiled(String, origin: SQLOrigin)
    /// One sentence for the user saying why there is no SQL.
    case unavailable(reason: String)
}

/// `sql NODE`: the compiled SQL of a node, from run_results first, else from the manifest.
public struct SQLLookup: Sendable {
    public let results: RunResults?
    public let manifest: Manifest?
    public let resolver: NodeResolver

    public init(results: RunResults?, manifest: Manifest?) {
        self.results = results
        self.manifest = manifest
        var ids = manifest?.allIDs ?? []
        if let results {
            ids += manifest == nil ? results.results.map(\.uniqueID) : results.results.map(\.uniqueID).filter { !manifest!.contains($0) }
        }
        resolver = NodeResolver(uniqueIDs: ids)
    }

    public func resolve(_ query: String) -> NodeResolution { resolver.resolve(query) }

    public func compiledSQL(for uniqueID: String) -> CompiledSQL {
        if let sql = results?.compiledCode(of: uniqueID) { return .compiled(sql, origin: .runResults) }
        if let sql = manifest?.compiledCode(of: uniqueID) { return .compiled(sql, origin: .manifest) }
        return .unavailable(reason: reasonForNoSQL(uniqueID))
    }

    /// The SQL as written (with Jinja), for when there is no compiled SQL.
    public func rawCode(for uniqueID: String) -> String? { manifest?.rawCode(of: uniqueID) }

    private func reasonForNoSQL(_ uniqueID: String) -> String {
        let node = manifest?.node(uniqueID)
        let name = node?.displayName ?? NodeNames.shortName(uniqueID)
        let type = node?.resourceType ?? NodeNames.resourceType(of: uniqueID)
        switch type {
        case "seed":
            let file = node?.originalFilePath.map { " from \($0)" } ?? ""
            return "\(name) is a seed: dbt loads it\(file) and runs no SQL of its own"
        case "source":
            return "\(name) is a source: a table that dbt reads, with no SQL of its own"
        case "exposure":
            return "\(name) is an exposure: it has no SQL"
        case "unit_test":
            return "\(name) is a unit test: dbt does not write its SQL to the artifacts"
        default:
            break
        }
        if let results, let result = results.result(for: uniqueID) {
            if result.status == .skipped {
                var finder = SkipCauseFinder(results: results, manifest: manifest)
                let causes = finder.causes(of: uniqueID)
                let because = causes.isEmpty
                    ? "an upstream node failed"
                    : causes.map { "\(NodeNames.shortName($0.uniqueID)) \($0.status.rawValue)" }.joined(separator: ", ")
                return "\(name) was skipped in this run (\(because)), so dbt did not compile it"
            }
            return "\(name) has no compiled SQL in this run (status \(result.status.rawValue))"
        }
        if node == nil {
            return "no node \(uniqueID) in these artifacts"
        }
        if results != nil {
            return "\(name) was not part of this run, so dbt did not compile it"
        }
        return "\(name) was not compiled in the invocation that wrote this manifest"
    }
}
