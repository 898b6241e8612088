import Foundation

/// One parameter of an operation, for `help api PATH`.
public struct APIParameter: Sendable, Equatable {
    public let name: String
    /// `path` or `query`.
    public let location: String
    /// `integer`, `string`, `boolean`, `[integer]`…
    public let type: String
    public let defaultValue: String?
    public let required: Bool
    /// The first sentence of the spec's description, and the allowed values when it lists a few.
    public let help: String
}

/// One operation of the Admin API specs (v2 and v3).
public struct APIOperation: Sendable, Equatable {
    public let method: String
    /// The path as the spec writes it: `/api/v2/accounts/{account_id}/jobs/{id}/`.
    public let specPath: String
    /// The path with dbtsh's context placeholders: `/api/v2/accounts/{account}/jobs/{job}/`.
    public let path: String
    /// The spec's operation name, e.g. `List Jobs`.
    public let summary: String
    /// The first sentence of its description.
    public let description: String
    public let parameters: [APIParameter]
    public let requestBody: String?
    public let response: String?
    /// A list endpoint: `limit`/`offset` paging (what `api --paginate` follows).
    public let isList: Bool
    public let deprecated: Bool
    /// `path` split at `/`, kept for completion.
    let segments: [Substring]

    init(
        method: String, specPath: String, path: String, summary: String, description: String, parameters: [APIParameter],
        requestBody: String?, response: String?, isList: Bool, deprecated: Bool
    ) {
        self.method = method
        self.specPath = specPath
        self.path = path
        self.summary = summary
        self.description = description
        self.parameters = parameters
        self.requestBody = requestBody
        self.response = response
        self.isList = isList
        self.deprecated = deprecated
        self.segments = APIIndex.segments(path)
    }
}

/// A path the user may type next after a prefix.
public struct APIPathCompletion: Sendable, Equatable {
    /// The prefix completed by one more segment, e.g. `/api/v3/accounts/{account}/projects/`.
    public let text: String
    /// The methods of the operations at or under it.
    public let methods: [String]
    /// Whether an operation of the asked method lives at or under it (these come first).
    public let matchesMethod: Bool
    /// Whether `text` is itself an endpoint (not only a folder of endpoints).
    public let isEndpoint: Bool
    /// The summary of the operation at `text` (the asked method's, else the first).
    public let summary: String?
}

/// The operations of the embedded OpenAPI specs (dbt-labs/dbt-cloud-openapi-spec, v2 and v3), read
/// from a compact index generated from committed copies of the specs (`OpenAPIIndexBuilder`).
/// Loaded once, on first use; nothing at start-up.
public final class APIIndex: Sendable {
    public let operations: [APIOperation]
    /// Where the specs came from (file names and commits), for `help api`.
    public let sources: [String]

    public init(operations: [APIOperation], sources: [String] = []) {
        self.operations = operations
        self.sources = sources
    }

    /// The bundled index; empty (with `loadError` set) if the resource cannot be read.
    public static let shared: APIIndex = (try? load()) ?? APIIndex(operations: [])

    public static var loadError: String? {
        shared.operations.isEmpty ? "the embedded OpenAPI index could not be read" : nil
    }

    /// Reads the bundled index (`Resources/openapi-index.json`).
    public static func load() throws -> APIIndex {
        guard let url = Bundle.module.url(forResource: "openapi-index", withExtension: "json") else {
            throw DbtCloudError.configuration("the OpenAPI index is missing from the dbtsh bundle")
        }
        return try decode(JSONValue(parsing: Data(contentsOf: url)))
    }

    static func decode(_ json: JSONValue) throws -> APIIndex {
        guard let entries = json["operations"]?.arrayValue else {
            throw DbtCloudError(kind: .invalidResponse, message: "the OpenAPI index has no operations")
        }
        let operations = entries.compactMap { entry -> APIOperation? in
            guard let method = entry["m"]?.stringValue, let specPath = entry["p"]?.stringValue else { return nil }
            let parameters = (entry["params"]?.arrayValue ?? []).compactMap { parameter -> APIParameter? in
                guard let name = parameter["n"]?.stringValue else { return nil }
                return APIParameter(
                    name: name, location: parameter["in"]?.stringValue ?? "query", type: parameter["t"]?.stringValue ?? "",
                    defaultValue: parameter["d"]?.stringValue, required: parameter["r"]?.boolValue ?? false,
                    help: parameter["h"]?.stringValue ?? "")
            }
            return APIOperation(
                method: method, specPath: specPath, path: contextPath(specPath), summary: entry["s"]?.stringValue ?? "",
                description: entry["d"]?.stringValue ?? "", parameters: parameters, requestBody: entry["body"]?.stringValue,
                response: entry["resp"]?.stringValue, isList: entry["list"]?.boolValue ?? false,
                deprecated: entry["dep"]?.boolValue ?? false)
        }
        let sources = (json["sources"]?.arrayValue ?? []).compactMap(\.stringValue)
        return APIIndex(operations: operations, sources: sources)
    }

    // MARK: - Placeholders

    /// Spec parameters that name a level of dbtsh's context, by name and by the collection an `{id}` follows.
    static let contextParameters: [String: String] = [
        "account_id": "account", "project_id": "project", "environment_id": "environment", "job_id": "job",
        "job_definition_id": "job", "run_id": "run",
    ]
    static let contextCollections: [String: String] = [
        "accounts": "account", "projects": "project", "environments": "environment", "jobs": "job", "runs": "run",
    ]

    /// `/api/v2/accounts/{account_id}/jobs/{id}/` → `/api/v2/accounts/{account}/jobs/{job}/`.
    static func contextPath(_ specPath: String) -> String {
        var previous: Substring = ""
        let parts = specPath.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            defer { previous = part }
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return String(part) }
            let name = String(part.dropFirst().dropLast())
            if let level = contextParameters[name] { return "{\(level)}" }
            if name == "id", let level = contextCollections[String(previous)] { return "{\(level)}" }
            return String(part)
        }
        return parts.joined(separator: "/")
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    static func isPlaceholder(_ segment: Substring) -> Bool {
        segment.hasPrefix("{") && segment.hasSuffix("}") && segment.count > 2
    }

    // MARK: - Completion

    /// The next segment of every endpoint path under `prefix`, one candidate per distinct path:
    /// those with an operation of `method` first, then the others, each group sorted.
    /// Typed segments fill placeholders (`/api/v2/accounts/43/` matches `{account}`) and are kept.
    public func completions(for prefix: String, method: String? = nil) -> [APIPathCompletion] {
        var typed = prefix.isEmpty ? "/" : prefix
        if !typed.hasPrefix("/") { typed = "/" + typed }
        // `/v2/…` is accepted for `/api/v2/…` (as `api` sends it): complete in the user's form.
        let prepend = typed.hasPrefix("/v2") || typed.hasPrefix("/v3") || typed == "/v" ? "/api" : ""
        let full = prepend + typed
        let lastSlash = full.lastIndex(of: "/") ?? full.startIndex
        let done = String(full[...lastSlash])
        let partial = full[full.index(after: lastSlash)...]
        let doneSegments = Self.segments(done)
        let wanted = method?.uppercased()

        struct Candidate {
            var methods: Set<String> = []
            var endpointMethods: [String: String] = [:]
        }
        var candidates: [String: Candidate] = [:]
        for operation in operations {
            let segments = operation.segments
            guard segments.count > doneSegments.count,
                zip(segments, doneSegments).allSatisfy({ Self.segment($0, accepts: $1) })
            else { continue }
            let next = segments[doneSegments.count]
            guard next.hasPrefix(partial) else { continue }
            let isLast = segments.count == doneSegments.count + 1
            let slash = isLast ? (operation.path.hasSuffix("/") ? "/" : "") : "/"
            let text = done + next + slash
            var candidate = candidates[text] ?? Candidate()
            candidate.methods.insert(operation.method)
            if isLast, candidate.endpointMethods[operation.method] == nil {
                candidate.endpointMethods[operation.method] = operation.summary
            }
            candidates[text] = candidate
        }
        let order = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        let results = candidates.map { text, candidate in
            APIPathCompletion(
                text: String(text.dropFirst(prepend.count)),
                methods: candidate.methods.sorted { (order.firstIndex(of: $0) ?? 9) < (order.firstIndex(of: $1) ?? 9) },
                matchesMethod: wanted.map { candidate.methods.contains($0) } ?? true,
                isEndpoint: !candidate.endpointMethods.isEmpty,
                summary: wanted.flatMap { candidate.endpointMethods[$0] } ?? candidate.endpointMethods.values.sorted().first)
        }
        return results.sorted { lhs, rhs in
            lhs.matchesMethod != rhs.matchesMethod ? lhs.matchesMethod : lhs.text < rhs.text
        }
    }

    /// A template segment accepts a typed one when equal, or when it is a placeholder and the typed
    /// segment is a value (or the placeholder itself).
    static func segment(_ template: Substring, accepts typed: Substring) -> Bool {
        template == typed || (isPlaceholder(template) && !typed.isEmpty)
    }

    // MARK: - Lookup

    /// The operations whose path matches `path` (concrete ids or placeholders; a `?query` and the
    /// `/api` of `/v2/…` are ignored), most literal match first. A missing trailing slash still
    /// matches, after the exact ones: the API would redirect it.
    public func operations(matching path: String) -> [APIOperation] {
        var bare = path.trimmingCharacters(in: .whitespaces)
        if let mark = bare.firstIndex(of: "?") { bare = String(bare[..<mark]) }
        if !bare.hasPrefix("/") { bare = "/" + bare }
        if bare.hasPrefix("/v2/") || bare.hasPrefix("/v3/") { bare = "/api" + bare }
        let typed = Self.segments(bare)
        let slash = bare.hasSuffix("/")
        let scored = operations.compactMap { operation -> (APIOperation, Int)? in
            let segments = operation.segments
            guard segments.count == typed.count, zip(segments, typed).allSatisfy({ Self.segment($0, accepts: $1) }) else {
                return nil
            }
            let literal = zip(segments, typed).filter { $0 == $1 }.count
            let exactSlash = operation.path.hasSuffix("/") == slash
            return (operation, literal * 2 + (exactSlash ? 1 : 0))
        }
        let best = scored.map(\.1).max() ?? 0
        // Templates that match only less literally (`/runs/{run}/` vs `/runs/{id}/…`) are other endpoints.
        let bestLiteral = best / 2
        return scored.filter { $0.1 / 2 == bestLiteral }.sorted { $0.1 > $1.1 }.map(\.0)
    }

    public func operation(_ method: String, _ path: String) -> APIOperation? {
        operations(matching: path).first { $0.method == method.uppercased() }
    }

    /// Whether `GET path` is a list endpoint that pages with `limit`/`offset`.
    public func isList(_ path: String) -> Bool {
        operation("GET", path)?.isList ?? false
    }
}
