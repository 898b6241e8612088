import Foundation

/// One node of a lineage tree, with its status in the run when run_results were given.
public struct LineageNode: Sendable, Encodable, Equatable {
    public var uniqueID: String
    public var name: String
    public var resourceType: String
    /// The node's status in the run; nil when it was not part of it (or no run_results).
    public var status: NodeStatus?
    public var children: [LineageNode]
    /// The node appears earlier in the tree; its branches are shown there.
    public var isRepeat: Bool
    /// The depth limit cut its branches off.
    public var isCut: Bool

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", name, resourceType = "resource_type", status, children
        case isRepeat = "is_repeat", isCut = "is_cut"
    }

    /// Every node of the tree, depth first, with its depth (0 for the root).
    public func flattened() -> [(depth: Int, node: LineageNode)] {
        var result: [(Int, LineageNode)] = []
        func walk(_ node: LineageNode, _ depth: Int) {
            result.append((depth, node))
            for child in node.children { walk(child, depth + 1) }
        }
        walk(self, 0)
        return result
    }
}

/// Upstream and downstream of a node, from manifest.json's `parent_map`.
public struct Lineage: Sendable {
    private let manifest: Manifest
    private let results: RunResults?
    private let children: [String: [String]]

    public init(manifest: Manifest, results: RunResults? = nil) {
        self.manifest = manifest
        self.results = results
        children = manifest.childMap()
    }

    /// What `uniqueID` reads from, `depth` levels up (nil: all the way); tests are left out
    /// unless `includeTests`.
    public func upstream(of uniqueID: String, depth: Int? = nil, includeTests: Bool = false) -> LineageNode {
        tree(uniqueID, depth: depth, includeTests: includeTests) { manifest.parents(of: $0) }
    }

    /// What reads from `uniqueID`, `depth` levels down (nil: all the way).
    public func downstream(of uniqueID: String, depth: Int? = nil, includeTests: Bool = false) -> LineageNode {
        tree(uniqueID, depth: depth, includeTests: includeTests) { children[$0] ?? [] }
    }

    /// Exposures (dashboards, applications) anywhere downstream of `uniqueID`, sorted.
    public func exposuresDownstream(of uniqueID: String) -> [String] {
        var seen: Set<String> = [uniqueID]
        var queue = [uniqueID]
        var exposures: [String] = []
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            for child in children[current] ?? [] where seen.insert(child).inserted {
                if NodeNames.resourceType(of: child) == "exposure" { exposures.append(child) }
                queue.append(child)
            }
        }
        return exposures.sorted()
    }

    /// Trees stop here whatever depth is asked for, so that a hostile manifest cannot exhaust the stack.
    public static let maximumDepth = 256

    private func tree(
        _ root: String, depth: Int?, includeTests: Bool, next: (String) -> [String]
    ) -> LineageNode {
        let limit = min(max(0, depth ?? Self.maximumDepth), Self.maximumDepth)
        var expanded: Set<String> = []
        func build(_ id: String, level: Int) -> LineageNode {
            let node = manifest.node(id)
            var result = LineageNode(
                uniqueID: id, name: node?.displayName ?? NodeNames.shortName(id),
                resourceType: node?.resourceType ?? NodeNames.resourceType(of: id),
                status: results?.result(for: id)?.status, children: [], isRepeat: false, isCut: false)
            let neighbours = next(id).filter { includeTests || !Self.isTest($0) }.sorted()
            guard !neighbours.isEmpty else { return result }
            if !expanded.insert(id).inserted {
                result.isRepeat = true
                return result
            }
            if level >= limit {
                result.isCut = true
                return result
            }
            result.children = neighbours.map { build($0, level: level + 1) }
            return result
        }
        return build(root, level: 0)
    }

    private static func isTest(_ id: String) -> Bool {
        let type = NodeNames.resourceType(of: id)
        return type == "test" || type == "unit_test"
    }
}
