import Foundation
import NIOHTTP1

// The Discovery (metadata) API: GraphQL over POST at `host.discoveryURL`.
extension DbtCloudClient {
    /// Runs a query and returns its `data`. A non-empty `errors` array throws a `.graphQL` error
    /// with the messages. Queries are read-only, so they are retried like GETs.
    public func graphQL(query: String, variables: [String: JSONValue] = [:]) async throws -> JSONValue {
        let url = host.discoveryURL
        let path = url.path.isEmpty ? "/graphql" : url.path
        var body: [String: JSONValue] = ["query": .string(query)]
        if !variables.isEmpty { body["variables"] = .object(variables) }
        let spec = RequestSpec(
            method: .POST, url: url.absoluteString, path: path, body: JSONValue.object(body).data, authScheme: "Bearer",
            retryMode: .idempotent)
        let response = try await transport.perform(spec)
        guard let json = response.json else {
            throw DbtCloudError(
                kind: .invalidResponse, method: "POST", path: path, status: response.status,
                message: "the response is not JSON: \(ErrorMapping.snippet(of: response.body, status: response.status))")
        }
        if let errors = json["errors"]?.arrayValue, !errors.isEmpty {
            let messages = errors.map { $0["message"]?.stringValue ?? $0.compactText }
            throw DbtCloudError(
                kind: .graphQL, method: "POST", path: path, message: messages.joined(separator: "; "), responseBody: json)
        }
        return json["data"] ?? .null
    }

    /// Every node of a cursor-paged connection. `connectionPath` leads from `data` to the
    /// connection (e.g. `["environment", "applied", "models"]`); the query must take `$first: Int`
    /// and `$after: String` and select `pageInfo { hasNextPage endCursor }` and `edges { node { … } }`.
    public func graphQLNodes(
        query: String, variables: [String: JSONValue] = [:], connectionPath: [String], pageSize: Int = 100
    ) -> AsyncThrowingStream<JSONValue, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var after: JSONValue = .null
                    var seen = Set<String>()
                    while true {
                        var pageVariables = variables
                        pageVariables["first"] = .int(pageSize)
                        pageVariables["after"] = after
                        let data = try await self.graphQL(query: query, variables: pageVariables)
                        guard let connection = data.value(at: connectionPath) else {
                            throw DbtCloudError(
                                kind: .invalidResponse, method: "POST", path: self.host.discoveryURL.path,
                                message: "no `\(connectionPath.joined(separator: "."))` in the response")
                        }
                        for edge in connection["edges"]?.arrayValue ?? [] {
                            continuation.yield(edge["node"] ?? edge)
                        }
                        let info = connection["pageInfo"]
                        guard info?["hasNextPage"]?.boolValue == true, let cursor = info?["endCursor"]?.stringValue,
                            seen.insert(cursor).inserted
                        else { break }
                        after = .string(cursor)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
