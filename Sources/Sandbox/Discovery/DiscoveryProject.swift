import Foundation
import Synchronization

/// What the Discovery API knows of a dbt project after one run: the nodes and lineage of its
/// manifest.json, the results of the build step's run_results.json and the freshness of its
/// sources.json. Built from the fixture files a run served, once per set of files.
final class DiscoveryProject: Sendable {
    struct Node: Sendable {
        let uniqueID: String
        let resourceType: String
        let name: String
        let alias: String?
        let database: String?
        let schema: String?
        let description: String?
        let filePath: String?
        let packageName: String?
        let tags: [String]
        let materialized: String?
        let rawCode: String?
        let compiledCode: String?
        let sourceName: String?
        let identifier: String?
        /// Models a test checks (`depends_on.nodes` of a test).
        let testedNodes: [String]
    }

    struct Result: Sendable {
        let status: String
        let message: String?
        let executionTime: Double?
        let startedAt: String?
        let completedAt: String?
    }

    struct Freshness: Sendable {
        /// `pass`, `warn` or `error` (a `runtime error` counts as `error`).
        let status: String
        let maxLoadedAt: String?
        let ageSeconds: Double?
        let checkedAt: String?
        let warnAfter: (count: Int, period: String)?
        let errorAfter: (count: Int, period: String)?
        let message: String?
    }

    let nodes: [String: Node]
    let results: [String: Result]
    let freshness: [String: Freshness]
    let parents: [String: [String]]
    let children: [String: [String]]
    /// When the recorded build step's first node started executing.
    let origin: Date?

    var models: [Node] { nodes.values.filter { $0.resourceType == "model" }.sorted { $0.uniqueID < $1.uniqueID } }
    var sources: [Node] { nodes.values.filter { $0.resourceType == "source" }.sorted { $0.uniqueID < $1.uniqueID } }

    func tests(of uniqueID: String) -> [Node] {
        (children[uniqueID] ?? []).compactMap { nodes[$0] }.filter { $0.resourceType == "test" }.sorted { $0.uniqueID < $1.uniqueID }
    }

    /// Every node upstream of `uniqueID` (not itself), nearest first.
    func ancestors(of uniqueID: String) -> [String] {
        var seen: Set<String> = [uniqueID]
        var order: [String] = []
        var frontier = parents[uniqueID] ?? []
        while !frontier.isEmpty {
            var next: [String] = []
            for id in frontier where seen.insert(id).inserted {
                order.append(id)
                next += parents[id] ?? []
            }
            frontier = next
        }
        return order
    }

    init(nodes: [String: Node], results: [String: Result], freshness: [String: Freshness], parents: [String: [String]], children: [String: [String]]) {
        self.nodes = nodes
        self.results = results
        self.freshness = freshness
        self.parents = parents
        self.children = children
        self.origin = results.values.compactMap { $0.startedAt.flatMap(DiscoveryTime.parse) }.min()
    }

    // MARK: - Loading

    private static let cache = Mutex<[String: DiscoveryProject]>([:])

    /// The project described by these fixture files (paths as `FixtureFiles` takes them); nil
    /// without a manifest.
    static func load(manifest: String, runResults: String?, sources: String?) -> DiscoveryProject? {
        let key = [manifest, runResults ?? "", sources ?? ""].joined(separator: "|")
        if let cached = cache.withLock({ $0[key] }) { return cached }
        guard let manifestData = FixtureFiles.shared.data(manifest),
            let root = (try? JSONSerialization.jsonObject(with: manifestData)) as? [String: Any]
        else { return nil }
        var nodes: [String: Node] = [:]
        let manifestNodes = (root["nodes"] as? [String: Any] ?? [:]).merging(root["sources"] as? [String: Any] ?? [:]) { a, _ in a }
        for (id, value) in manifestNodes {
            guard let node = value as? [String: Any] else { continue }
            nodes[id] = Self.node(id, node)
        }
        let project = DiscoveryProject(
            nodes: nodes, results: runResults.map(Self.results) ?? [:], freshness: sources.map(Self.freshness) ?? [:],
            parents: Self.map(root["parent_map"]), children: Self.map(root["child_map"]))
        cache.withLock { $0[key] = project }
        return project
    }

    private static func node(_ id: String, _ node: [String: Any]) -> Node {
        let config = node["config"] as? [String: Any]
        return Node(
            uniqueID: id, resourceType: node["resource_type"] as? String ?? "", name: node["name"] as? String ?? id,
            alias: node["alias"] as? String, database: node["database"] as? String, schema: node["schema"] as? String,
            description: node["description"] as? String, filePath: node["original_file_path"] as? String,
            packageName: node["package_name"] as? String, tags: node["tags"] as? [String] ?? [],
            materialized: config?["materialized"] as? String, rawCode: node["raw_code"] as? String,
            compiledCode: node["compiled_code"] as? String, sourceName: node["source_name"] as? String,
            identifier: node["identifier"] as? String,
            testedNodes: node["resource_type"] as? String == "test"
                ? ((node["depends_on"] as? [String: Any])?["nodes"] as? [String] ?? []) : [])
    }

    private static func map(_ value: Any?) -> [String: [String]] {
        (value as? [String: Any] ?? [:]).compactMapValues { $0 as? [String] }
    }

    private static func results(_ file: String) -> [String: Result] {
        guard let data = FixtureFiles.shared.data(file),
            let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let entries = root["results"] as? [[String: Any]]
        else { return [:] }
        var results: [String: Result] = [:]
        for entry in entries {
            guard let id = entry["unique_id"] as? String else { continue }
            let execute = (entry["timing"] as? [[String: Any]])?.first { $0["name"] as? String == "execute" }
            results[id] = Result(
                status: entry["status"] as? String ?? "", message: entry["message"] as? String,
                executionTime: (entry["execution_time"] as? NSNumber)?.doubleValue,
                startedAt: execute?["started_at"] as? String, completedAt: execute?["completed_at"] as? String)
        }
        return results
    }

    private static func freshness(_ file: String) -> [String: Freshness] {
        guard let data = FixtureFiles.shared.data(file),
            let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let entries = root["results"] as? [[String: Any]]
        else { return [:] }
        func threshold(_ criteria: [String: Any]?, _ key: String) -> (Int, String)? {
            guard let value = criteria?[key] as? [String: Any], let count = (value["count"] as? NSNumber)?.intValue,
                let period = value["period"] as? String
            else { return nil }
            return (count, period)
        }
        var freshness: [String: Freshness] = [:]
        for entry in entries {
            guard let id = entry["unique_id"] as? String else { continue }
            let status = entry["status"] as? String ?? ""
            let criteria = entry["criteria"] as? [String: Any]
            freshness[id] = Freshness(
                status: status == "runtime error" ? "error" : status, maxLoadedAt: entry["max_loaded_at"] as? String,
                ageSeconds: (entry["max_loaded_at_time_ago_in_s"] as? NSNumber)?.doubleValue,
                checkedAt: entry["snapshotted_at"] as? String, warnAfter: threshold(criteria, "warn_after"),
                errorAfter: threshold(criteria, "error_after"), message: entry["message"] as? String)
        }
        return freshness
    }
}
