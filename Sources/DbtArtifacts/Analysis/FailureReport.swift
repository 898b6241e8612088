import Foundation

/// An upstream node whose error or failure made dbt skip another node.
public struct SkipCause: Sendable, Encodable, Equatable {
    public var uniqueID: String
    public var status: NodeStatus
    /// The nodes between the cause and the skipped node, nearest the cause first
    /// (empty when the cause is a direct parent).
    public var via: [String]

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", status, via
    }
}

/// A node that errored, failed, warned or was skipped.
public struct NodeProblem: Sendable, Encodable {
    public var uniqueID: String
    public var resourceType: String
    public var name: String
    public var status: NodeStatus
    /// The whole message, as dbt wrote it.
    public var message: String?
    /// The first non-empty lines of the message, trimmed.
    public var messageLines: [String]
    public var relationName: String?
    /// Rows the test query returned (tests only).
    public var failures: Int?
    public var executionTime: Double?
    /// `original_file_path`: the SQL file, or for generic tests the YAML file that declares them.
    public var filePath: String?
    /// `patch_path`: the YAML file that documents the node.
    public var patchPath: String?
    /// Tests: the node under test.
    public var attachedNode: String?
    /// Skipped nodes: the errored or failed nodes upstream that caused the skip.
    public var skippedBecause: [SkipCause]

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", resourceType = "resource_type", name, status, message
        case messageLines = "message_lines", relationName = "relation_name", failures
        case executionTime = "execution_time", filePath = "file_path", patchPath = "patch_path"
        case attachedNode = "attached_node", skippedBecause = "skipped_because"
    }
}

/// What went wrong in one run_results.json: problems in the order a user reads them
/// (errors and fails, then warns, then skipped; run order within each) and dbt's summary.
public struct FailureReport: Sendable, Encodable {
    /// `args.invocation_command` of the step, e.g. "dbt build".
    public let command: String?
    public let problems: [NodeProblem]
    public let summary: StatusSummary
    /// True when run_results came from `dbt docs generate` or `dbt compile`, whose results are
    /// compile-only: the real failures are in the step that ran the dbt command.
    public let isCompileOnly: Bool

    public static let messageLineLimit = 3

    public var failures: [NodeProblem] { problems.filter { $0.status.isFailure } }
    public var warnings: [NodeProblem] { problems.filter { $0.status == .warn } }
    public var skipped: [NodeProblem] { problems.filter { $0.status == .skipped } }

    public init(results: RunResults, manifest: Manifest?) {
        command = results.invocationCommand
        summary = results.summary
        isCompileOnly = !results.command.executesNodes && results.command != .unknown
        var causes = SkipCauseFinder(results: results, manifest: manifest)
        var ordered: [[NodeProblem]] = [[], [], []]
        for result in results.results {
            let rank: Int
            if result.status.isFailure {
                rank = 0
            } else if result.status == .warn {
                rank = 1
            } else if result.status == .skipped {
                rank = 2
            } else {
                continue
            }
            let node = manifest?.node(result.uniqueID)
            ordered[rank].append(NodeProblem(
                uniqueID: result.uniqueID,
                resourceType: node?.resourceType ?? result.resourceType,
                name: node?.displayName ?? NodeNames.shortName(result.uniqueID),
                status: result.status,
                message: result.message,
                messageLines: Self.firstLines(of: result.message),
                relationName: result.relationName ?? node?.relationName,
                failures: result.failures,
                executionTime: result.executionTime,
                filePath: node?.originalFilePath,
                patchPath: node?.patchPath,
                attachedNode: node?.attachedNode,
                skippedBecause: result.status == .skipped ? causes.causes(of: result.uniqueID) : []
            ))
        }
        problems = ordered.flatMap { $0 }
    }

    static func firstLines(of message: String?) -> [String] {
        guard let message else { return [] }
        var lines: [String] = []
        for line in message.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            lines.append(trimmed)
            if lines.count == messageLineLimit { break }
        }
        return lines
    }
}

/// Finds why dbt skipped a node: walks `parent_map` upward through skipped nodes (and
/// ephemeral models, which are never in run_results) to the nearest errored or failed ones.
/// Like `dbt build`, a failing test also blocks the models downstream of the node it tests.
struct SkipCauseFinder {
    private let results: RunResults
    private let manifest: Manifest?
    private var parentCache: [String: [String]] = [:]
    private var ephemeralCache: [String: Bool] = [:]
    private let failingTests: [(id: String, status: NodeStatus, parents: Set<String>)]

    init(results: RunResults, manifest: Manifest?) {
        self.results = results
        self.manifest = manifest
        var tests: [(String, NodeStatus, Set<String>)] = []
        if let manifest {
            for result in results.results where result.status.isFailure {
                let type = result.resourceType
                guard type == "test" || type == "unit_test" else { continue }
                tests.append((result.uniqueID, result.status, Set(manifest.parents(of: result.uniqueID))))
            }
        }
        failingTests = tests
    }

    private mutating func parents(of uniqueID: String) -> [String] {
        if let cached = parentCache[uniqueID] { return cached }
        let parents = manifest?.parents(of: uniqueID) ?? []
        parentCache[uniqueID] = parents
        return parents
    }

    /// Ephemeral models never appear in run_results; dbt inlines them into their children.
    private mutating func isEphemeral(_ uniqueID: String) -> Bool {
        if let cached = ephemeralCache[uniqueID] { return cached }
        let ephemeral = manifest?.node(uniqueID)?.materialized == "ephemeral"
        ephemeralCache[uniqueID] = ephemeral
        return ephemeral
    }

    mutating func causes(of uniqueID: String) -> [SkipCause] {
        guard let manifest else { return [] }
        var causes: [SkipCause] = []
        var seenCauses: Set<String> = []
        // `via` chains are recorded from the skipped node upward while walking.
        var pathTo: [String: [String]] = [uniqueID: []]
        var queue = [uniqueID]
        var walked: Set<String> = [uniqueID]
        var boundary: Set<String> = []
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            for parent in parents(of: current) {
                let status = results.result(for: parent)?.status
                if let status, status.isFailure {
                    if seenCauses.insert(parent).inserted {
                        let chain = pathTo[current] ?? []
                        causes.append(SkipCause(uniqueID: parent, status: status, via: chain.reversed()))
                    }
                } else if status == .skipped || (status == nil && isEphemeral(parent)) {
                    if walked.insert(parent).inserted {
                        pathTo[parent] = (pathTo[current] ?? []) + [parent]
                        queue.append(parent)
                    }
                } else {
                    boundary.insert(parent)
                }
            }
        }
        guard manifest.isInNodes(uniqueID) else { return causes }
        // A skipped test sits below a skipped node, which a failing test upstream may have blocked;
        // a failing test of the same nodes it tests blocks nothing of it.
        let testedNodes: Set<String> = NodeNames.resourceType(of: uniqueID) == "test" ? Set(parents(of: uniqueID)) : []
        let upstream = walked.union(boundary)
        for test in failingTests where !seenCauses.contains(test.id) && test.id != uniqueID {
            guard !test.parents.isEmpty, test.parents.isSubset(of: upstream) else { continue }
            if test.parents == [uniqueID], NodeNames.resourceType(of: test.id) != "unit_test" { continue }
            if !testedNodes.isEmpty, test.parents.isSubset(of: testedNodes) { continue }
            seenCauses.insert(test.id)
            let tested = test.parents.sorted().first ?? uniqueID
            let chain = tested == uniqueID ? [] : (pathTo[tested] ?? [tested])
            causes.append(SkipCause(uniqueID: test.id, status: test.status, via: chain.reversed()))
        }
        return causes
    }
}
