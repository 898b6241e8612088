import Foundation

/// A minimal Discovery API: `environment(id:) { applied { models(first:, after:) { … } } }` from the
/// manifest and build results of the environment's latest run. Not a GraphQL engine: the query
/// shape is recognised leniently, and anything else gets a GraphQL `errors` answer.
extension SandboxAPI {
    func discovery(_ request: APIRequest) -> APIResponse {
        guard let body = JSONValue.parse(request.body), let query = body["query"]?.stringValue else {
            return Self.graphQLError("The request body must be JSON with a \"query\" string.")
        }
        let variables = body["variables"] ?? .object([])
        guard query.contains("applied"), Self.mentions(query, "models"),
            let environmentToken = Self.firstMatch(#"environment\s*\(\s*id\s*:\s*([^\s,)]+)"#, in: query)
        else {
            return Self.graphQLError(
                "The sandbox Discovery API answers only environment(id:) { applied { models(first:, after:) { … } } } queries.")
        }
        guard let environmentID = Self.resolve(environmentToken, variables).intValue else {
            return Self.graphQLError("Variable or argument for environment id is missing or not an integer.")
        }
        let modelArguments = Self.firstMatch(#"models\s*\(([^)]*)\)"#, in: query) ?? ""
        let first = Self.argument("first", in: modelArguments).map { Self.resolve($0, variables) }?.intValue ?? 100
        let after = Self.argument("after", in: modelArguments).map { Self.resolve($0, variables) }?.stringValue
        guard (0...500).contains(first) else {
            return Self.graphQLError("Argument \"first\" must be between 0 and 500, got \(first).")
        }

        let now = Date()
        let source: (run: RunRecord, set: FixtureSet)?? = world.withLock { world in
            guard world.environment(environmentID) != nil else { return .none }
            let latest = world.runs.filter { $0.environmentID == environmentID }
                .compactMap { run -> (RunRecord, Date)? in
                    let snapshot = RunSnapshot(run, at: now)
                    guard let built = snapshot.steps.first(where: { $0.scheduled.kind == .build && $0.producedArtifacts }),
                        let finished = built.finishedAt
                    else { return nil }
                    return (run, finished)
                }
                .max { $0.1 < $1.1 }
            return .some(latest.map { ($0.0, $0.0.fixtureSet) })
        }
        guard let source else {
            return Self.graphQLError("Environment \(environmentID) was not found or you do not have access to it.", path: ["environment"])
        }
        let models = source.map { DiscoveryModels.shared.models($0.set) } ?? []
        let start = after.flatMap(Self.cursorIndex).map { $0 + 1 } ?? 0
        let page = start < models.count ? Array(models[start..<min(models.count, start + first)]) : []
        let edges: [JSONValue] = page.enumerated().map { offset, model in
            .object([
                ("cursor", .string(Self.cursor(start + offset))),
                ("node", model.node(selectedIn: query, run: source?.run)),
            ])
        }
        let connection: JSONValue = .object([
            ("totalCount", .int(models.count)),
            (
                "pageInfo",
                .object([
                    ("startCursor", page.isEmpty ? nil : .string(Self.cursor(start))),
                    ("endCursor", page.isEmpty ? nil : .string(Self.cursor(start + page.count - 1))),
                    ("hasNextPage", .bool(start + page.count < models.count)),
                    ("hasPreviousPage", .bool(start > 0)),
                ])
            ),
            ("edges", .array(edges)),
        ])
        return .json(.object([("data", .object([("environment", .object([("applied", .object([("models", connection)]))]))]))]))
    }

    static func graphQLError(_ message: String, path: [String]? = nil) -> APIResponse {
        var error: [(String, JSONValue)] = [("message", .string(message)), ("locations", [.object([("line", 1), ("column", 1)])])]
        if let path { error.append(("path", .from(path))) }
        return .json(.object([("errors", .array([.object(error)])), ("data", nil)]))
    }

    static func cursor(_ index: Int) -> String { Data("arrayconnection:\(index)".utf8).base64EncodedString() }

    static func cursorIndex(_ cursor: String) -> Int? {
        guard let data = Data(base64Encoded: cursor) else { return nil }
        return Int(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "arrayconnection:", with: ""))
    }

    /// `$name` from the variables, or a literal (`123`, `"abc"`, `null`).
    static func resolve(_ token: String, _ variables: JSONValue) -> JSONValue {
        if token.hasPrefix("$") { return variables[String(token.dropFirst())] ?? nil }
        if token == "null" { return nil }
        let unquoted = token.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        if let number = Int(unquoted), !token.hasPrefix("\"") { return .int(number) }
        return token.hasPrefix("\"") ? .string(unquoted) : (Int(unquoted).map(JSONValue.int) ?? .string(unquoted))
    }

    static func argument(_ name: String, in arguments: String) -> String? {
        firstMatch(#"\b\#(name)\s*:\s*("[^"]*"|[^\s,)]+)"#, in: arguments)
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            match.numberOfRanges > 1, let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }

    static func mentions(_ query: String, _ field: String) -> Bool {
        query.range(of: #"\b\#(field)\b"#, options: .regularExpression) != nil
    }
}

/// Applied models of a fixture project: from manifest.json, with execution info from the build step's run_results.json.
final class DiscoveryModels: Sendable {
    static let shared = DiscoveryModels()
    private let cache = Locked<[FixtureSet: [AppliedModel]]>([:])

    struct AppliedModel: Sendable {
        let uniqueID: String
        let name: String
        let materialized: String?
        let database: String?
        let schema: String?
        let description: String?
        let status: String?
        let error: String?
        let executionTime: Double?
        let startedAt: String?
        let completedAt: String?

        func node(selectedIn query: String, run: RunRecord?) -> JSONValue {
            let fields: [(String, JSONValue)] = [
                ("name", .string(name)), ("uniqueId", .string(uniqueID)), ("materializedType", .from(materialized)),
                ("database", .from(database)), ("schema", .from(schema)), ("description", .from(description)),
                ("resourceType", "model"),
            ]
            let execution: [(String, JSONValue)] = [
                ("lastRunStatus", .from(status)), ("lastRunError", .from(error)),
                ("executionTime", executionTime.map(JSONValue.double) ?? nil),
                ("lastRunId", .from(run?.id)), ("lastJobDefinitionId", .from(run?.jobID)),
                ("lastSuccessRunId", status == "success" ? .from(run?.id) : nil),
                ("executeStartedAt", .from(startedAt)), ("executeCompletedAt", .from(completedAt)),
            ]
            var node = fields.filter { SandboxAPI.mentions(query, $0.0) }
            if SandboxAPI.mentions(query, "executionInfo") {
                node.append(("executionInfo", .object(execution.filter { SandboxAPI.mentions(query, $0.0) })))
            }
            return .object(node)
        }
    }

    func models(_ set: FixtureSet) -> [AppliedModel] {
        if let cached = cache.withLock({ $0[set] }) { return cached }
        let models = Self.load(set)
        cache.withLock { $0[set] = models }
        return models
    }

    private static func load(_ set: FixtureSet) -> [AppliedModel] {
        guard let manifestData = FixtureFiles.shared.data("\(set.rawValue)/manifest.json"),
            let manifest = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any],
            let nodes = manifest["nodes"] as? [String: Any]
        else { return [] }
        var results: [String: [String: Any]] = [:]
        if let data = FixtureFiles.shared.data("\(set.rawValue)/steps/2_build/run_results.json"),
            let runResults = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let entries = runResults["results"] as? [[String: Any]]
        {
            for entry in entries {
                if let id = entry["unique_id"] as? String { results[id] = entry }
            }
        }
        return nodes.compactMap { id, value -> AppliedModel? in
            guard let node = value as? [String: Any], node["resource_type"] as? String == "model" else { return nil }
            let result = results[id]
            let timing = (result?["timing"] as? [[String: Any]])?.first { $0["name"] as? String == "execute" }
            let status = result?["status"] as? String
            return AppliedModel(
                uniqueID: id, name: node["name"] as? String ?? id,
                materialized: (node["config"] as? [String: Any])?["materialized"] as? String,
                database: node["database"] as? String, schema: node["schema"] as? String,
                description: node["description"] as? String, status: status,
                error: status == "error" ? result?["message"] as? String : nil,
                executionTime: (result?["execution_time"] as? NSNumber)?.doubleValue,
                startedAt: timing?["started_at"] as? String, completedAt: timing?["completed_at"] as? String)
        }
        .sorted { $0.uniqueID < $1.uniqueID }
    }
}
