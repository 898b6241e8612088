import Foundation

/// A Discovery query's data with the pages of its connection merged (`query --paginate`).
public struct MergedGraphQLPages: Sendable {
    /// The first page's data, with the connection's `edges` holding every page's edges and its
    /// `pageInfo` the last page's.
    public let data: JSONValue
    public let pages: Int
    public let nodes: Int
    /// The path from `data` to the connection that was followed, e.g. `environment.applied.models`.
    public let connectionPath: [String]
    /// Paging stopped at `maxPages` or `maxNodes` with pages left.
    public let truncated: Bool
}

extension DbtCloudClient {
    /// Runs `query` again with `$after` set to each page's `pageInfo.endCursor` until
    /// `hasNextPage` is false (or a cursor repeats, or a bound is hit), like `gh api graphql
    /// --paginate`. The query must declare `$after: String`, pass it to exactly one connection,
    /// and select that connection's `pageInfo { hasNextPage endCursor }` and `edges`.
    public func graphQLAllPages(
        query: String, variables: [String: JSONValue] = [:], maxPages: Int = 100, maxNodes: Int = 10_000
    ) async throws -> MergedGraphQLPages {
        guard query.range(of: #"\$after\b"#, options: .regularExpression) != nil else {
            throw DbtCloudError(
                kind: .invalidArgument,
                message: "--paginate needs a query that declares `$after: String` and passes `after: $after` to the paged field, selecting `pageInfo { hasNextPage endCursor }`")
        }
        var pageVariables = variables
        pageVariables["after"] = variables["after"] ?? .null
        var merged = try await graphQL(query: query, variables: pageVariables)
        let paths = Self.connectionPaths(in: merged)
        guard paths.count == 1, let path = paths.first else {
            throw DbtCloudError(
                kind: .invalidArgument,
                message: paths.isEmpty
                    ? "--paginate found no connection with `pageInfo { hasNextPage endCursor }` and `edges` in the answer"
                    : "--paginate follows one connection; the answer has \(paths.count): \(paths.map { $0.joined(separator: ".") }.joined(separator: ", "))")
        }
        var edges = merged.value(at: path)?["edges"]?.arrayValue ?? []
        var info = merged.value(at: path)?["pageInfo"] ?? .null
        var cursors: Set<String> = []
        var pages = 1
        var truncated = false
        let nodeBound = max(1, maxNodes)
        while info["hasNextPage"]?.boolValue == true, let cursor = info["endCursor"]?.stringValue, cursors.insert(cursor).inserted {
            if pages >= maxPages || edges.count >= nodeBound {
                truncated = true
                break
            }
            pageVariables["after"] = .string(cursor)
            let page = try await graphQL(query: query, variables: pageVariables)
            guard let connection = page.value(at: path) else {
                throw DbtCloudError(
                    kind: .invalidResponse, method: "POST", path: host.discoveryURL.path,
                    message: "page \(pages + 1) has no `\(path.joined(separator: "."))`")
            }
            edges += connection["edges"]?.arrayValue ?? []
            info = connection["pageInfo"] ?? .null
            pages += 1
        }
        if edges.count > nodeBound {
            edges = Array(edges.prefix(nodeBound))
            truncated = true
        }
        let connection = (merged.value(at: path) ?? .object([:])).setting("edges", to: .array(edges)).setting("pageInfo", to: info)
        merged = merged.setting(path: path, to: connection)
        return MergedGraphQLPages(data: merged, pages: pages, nodes: edges.count, connectionPath: path, truncated: truncated)
    }

    /// Paths (from `data`) of the objects that look like connections: `pageInfo` with
    /// `hasNextPage`, and `edges`. Depth-first, keys in order.
    static func connectionPaths(in value: JSONValue, path: [String] = [], depth: Int = 0) -> [[String]] {
        guard depth < 32, case .object(let object) = value else { return [] }
        if object["edges"]?.arrayValue != nil, object["pageInfo"]?["hasNextPage"] != nil { return [path] }
        return object.keys.sorted().flatMap { key in connectionPaths(in: object[key] ?? .null, path: path + [key], depth: depth + 1) }
    }
}
