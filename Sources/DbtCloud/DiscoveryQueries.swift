import Foundation

/// A Discovery query shipped with dbtsh, run by name (`query modelHistoricalRuns --var uniqueId=…`).
public struct NamedQuery: Sendable, Equatable {
    public let name: String
    public let summary: String
    public let text: String
    /// Variables the caller must give (besides `environmentId`, which the context supplies).
    public let requiredVariables: [String]
    /// Defaults for the optional ones.
    public let defaults: [String: JSONValue]
    /// Whether it pages (`$first`/`$after`) and should be run with `graphQLAllPages`.
    public let paged: Bool
}

/// The queries a user needs most, in the shapes of dbt's Discovery docs and dbt-mcp's queries.
public enum DiscoveryQueries {
    /// Nested lineage nodes are interfaces; `uniqueId` is asked through each concrete type.
    static let nestedNodeFields = """
        name resourceType
              ... on ModelAppliedStateNestedNode { uniqueId materializedType executionInfo { lastRunStatus } }
              ... on SourceAppliedStateNestedNode { uniqueId sourceName freshness { freshnessStatus } }
              ... on SeedAppliedStateNestedNode { uniqueId }
              ... on SnapshotAppliedStateNestedNode { uniqueId }
        """

    public static let modelHistoricalRuns = NamedQuery(
        name: "modelHistoricalRuns",
        summary: "a model's last runs in the environment: status, time, tests (--var uniqueId=model.pkg.name)",
        text: """
            query ModelHistoricalRuns($environmentId: BigInt!, $uniqueId: String!, $lastRunCount: Int) {
              environment(id: $environmentId) {
                applied {
                  modelHistoricalRuns(uniqueId: $uniqueId, lastRunCount: $lastRunCount) {
                    runId jobId status error executionTime runGeneratedAt executeStartedAt executeCompletedAt
                    tests { name status executeCompletedAt }
                  }
                }
              }
            }
            """,
        requiredVariables: ["uniqueId"], defaults: ["lastRunCount": 20], paged: false)

    public static let lineage = NamedQuery(
        name: "lineage",
        summary: "a model's parents, children and every ancestor (--var uniqueId=model.pkg.name)",
        text: """
            query ModelLineage($environmentId: BigInt!, $uniqueId: String!) {
              environment(id: $environmentId) {
                applied {
                  models(filter: { uniqueIds: [$uniqueId] }, first: 1) {
                    edges {
                      node {
                        uniqueId name materializedType executionInfo { lastRunStatus }
                        parents { \(nestedNodeFields) }
                        children { \(nestedNodeFields) }
                        ancestors(types: [Model, Source, Seed, Snapshot]) { \(nestedNodeFields) }
                      }
                    }
                  }
                }
              }
            }
            """,
        requiredVariables: ["uniqueId"], defaults: [:], paged: false)

    public static let staleSources = NamedQuery(
        name: "staleSources",
        summary: "sources whose last freshness check warned or failed, with how old their data is",
        text: """
            query Sources($environmentId: BigInt!, $first: Int, $after: String) {
              environment(id: $environmentId) {
                applied {
                  sources(first: $first, after: $after) {
                    totalCount
                    pageInfo { hasNextPage endCursor }
                    edges {
                      node {
                        uniqueId sourceName name identifier database schema
                        freshness { freshnessStatus maxLoadedAt maxLoadedAtTimeAgoInS snapshottedAt }
                      }
                    }
                  }
                }
              }
            }
            """,
        requiredVariables: [], defaults: ["first": 100], paged: true)

    public static let all: [NamedQuery] = [modelHistoricalRuns, lineage, staleSources]

    public static func named(_ name: String) -> NamedQuery? {
        all.first { $0.name.lowercased() == name.lowercased() }
    }
}

/// One run of a model (`modelHistoricalRuns`).
public struct ModelRun: Sendable, Equatable {
    public let runID: Int?
    public let jobID: Int?
    public let status: String?
    public let error: String?
    public let executionTime: Double?
    public let generatedAt: Date?
    /// Its tests in that run: name and status.
    public let tests: [(name: String, status: String?)]
    public let raw: JSONValue

    init(_ node: JSONValue) {
        runID = node["runId"]?.intValue
        jobID = node["jobId"]?.intValue
        status = node["status"]?.stringValue
        error = node["error"]?.stringValue
        executionTime = node["executionTime"]?.doubleValue
        generatedAt = node["runGeneratedAt"]?.stringValue.flatMap(DbtTimestamp.parse)
        tests = (node["tests"]?.arrayValue ?? []).compactMap { test in
            test["name"]?.stringValue.map { ($0, test["status"]?.stringValue) }
        }
        raw = node
    }

    public static func == (lhs: ModelRun, rhs: ModelRun) -> Bool { lhs.raw == rhs.raw }
}

/// A node next to a model in the lineage.
public struct LineageNode: Sendable, Equatable {
    public let uniqueID: String?
    public let name: String?
    public let resourceType: String?
    /// A model's last run status, or a source's freshness status.
    public let status: String?

    init(_ node: JSONValue) {
        uniqueID = node["uniqueId"]?.stringValue
        name = node["name"]?.stringValue
        resourceType = node["resourceType"]?.stringValue
        status = node["executionInfo"]?["lastRunStatus"]?.stringValue ?? node["freshness"]?["freshnessStatus"]?.stringValue
    }
}

public struct ModelLineage: Sendable, Equatable {
    public let uniqueID: String
    public let parents: [LineageNode]
    public let children: [LineageNode]
    public let ancestors: [LineageNode]
}

/// A source whose freshness check warned or errored.
public struct StaleSource: Sendable, Equatable {
    public let uniqueID: String
    public let sourceName: String?
    public let name: String?
    /// `warn` or `error`.
    public let status: String
    public let maxLoadedAt: Date?
    public let ageSeconds: Double?
}

extension DbtCloudClient {
    /// `model.pkg.name` as given; a bare name is looked up among the environment's models (by
    /// name, then by relation identifier). Throws when it names no model or several.
    public func modelUniqueID(environmentID: Int, _ name: String) async throws -> String {
        if name.hasPrefix("model.") { return name }
        let query = """
            query ($environmentId: BigInt!, $first: Int, $after: String) {
              environment(id: $environmentId) { applied { models(first: $first, after: $after) {
                pageInfo { hasNextPage endCursor } edges { node { uniqueId name alias } } } } }
            }
            """
        let pages = try await graphQLAllPages(
            query: query, variables: ["environmentId": .int(environmentID), "first": 500], maxNodes: 50_000)
        let nodes = (pages.data.value(at: pages.connectionPath)?["edges"]?.arrayValue ?? []).compactMap { $0["node"] }
        var matches = nodes.filter { $0["name"]?.stringValue == name }
        if matches.isEmpty { matches = nodes.filter { $0["alias"]?.stringValue == name } }
        let ids = matches.compactMap { $0["uniqueId"]?.stringValue }
        guard ids.count == 1, let id = ids.first else {
            throw DbtCloudError(
                kind: .invalidArgument,
                message: ids.isEmpty
                    ? "no model named `\(name)` in environment \(environmentID)"
                    : "`\(name)` names \(ids.count) models (\(ids.joined(separator: ", "))); give the unique id")
        }
        return id
    }

    /// The model's last `lastRunCount` runs in the environment, newest first.
    public func modelHistoricalRuns(environmentID: Int, uniqueID: String, lastRunCount: Int = 20) async throws -> [ModelRun] {
        let data = try await graphQL(
            query: DiscoveryQueries.modelHistoricalRuns.text,
            variables: ["environmentId": .int(environmentID), "uniqueId": .string(uniqueID), "lastRunCount": .int(lastRunCount)])
        return (data.value(at: ["environment", "applied", "modelHistoricalRuns"])?.arrayValue ?? []).map(ModelRun.init)
    }

    public func modelLineage(environmentID: Int, uniqueID: String) async throws -> ModelLineage {
        let data = try await graphQL(
            query: DiscoveryQueries.lineage.text,
            variables: ["environmentId": .int(environmentID), "uniqueId": .string(uniqueID)])
        guard let node = data.value(at: ["environment", "applied", "models", "edges"])?[0]?["node"] else {
            throw DbtCloudError(kind: .notFound, message: "no model `\(uniqueID)` in environment \(environmentID)")
        }
        func nodes(_ key: String) -> [LineageNode] { (node[key]?.arrayValue ?? []).map(LineageNode.init) }
        return ModelLineage(
            uniqueID: node["uniqueId"]?.stringValue ?? uniqueID, parents: nodes("parents"), children: nodes("children"),
            ancestors: nodes("ancestors"))
    }

    /// Every source of the environment whose freshness is `warn` or `error`, the worst first.
    public func staleSources(environmentID: Int) async throws -> [StaleSource] {
        let pages = try await graphQLAllPages(
            query: DiscoveryQueries.staleSources.text, variables: ["environmentId": .int(environmentID), "first": 100])
        let nodes = (pages.data.value(at: pages.connectionPath)?["edges"]?.arrayValue ?? []).compactMap { $0["node"] }
        let stale = nodes.compactMap { node -> StaleSource? in
            guard let id = node["uniqueId"]?.stringValue,
                let status = node["freshness"]?["freshnessStatus"]?.stringValue?.lowercased(), status == "warn" || status == "error"
            else { return nil }
            return StaleSource(
                uniqueID: id, sourceName: node["sourceName"]?.stringValue, name: node["name"]?.stringValue, status: status,
                maxLoadedAt: node["freshness"]?["maxLoadedAt"]?.stringValue.flatMap(DbtTimestamp.parse),
                ageSeconds: node["freshness"]?["maxLoadedAtTimeAgoInS"]?.doubleValue)
        }
        return stale.sorted { ($0.status == "error" ? 0 : 1, $0.uniqueID) < ($1.status == "error" ? 0 : 1, $1.uniqueID) }
    }
}
