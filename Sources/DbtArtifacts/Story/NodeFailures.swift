import Foundation

/// A node that errored, failed or warned, with the kind of failure and, when its message names
/// a line, the compiled SQL around it.
public struct NodeFailure: Sendable, Encodable {
    public var problem: NodeProblem
    public var kind: NodeErrorKind
    public var sqlExcerpt: SQLExcerpt?

    public var uniqueID: String { problem.uniqueID }
    public var name: String { problem.name }

    enum CodingKeys: String, CodingKey { case problem, kind, sqlExcerpt = "sql_excerpt" }
}

/// Skipped nodes that share the same causes (the errored or failed nodes upstream).
public struct SkipGroup: Sendable, Encodable {
    /// The causes, by unique_id; several when the nodes sit below more than one failure.
    public var causes: [SkipCause]
    /// The skipped unique_ids, in run order.
    public var nodes: [String]
    public var count: Int { nodes.count }

    enum CodingKeys: String, CodingKey { case causes, nodes, count }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(causes, forKey: .causes)
        try container.encode(nodes, forKey: .nodes)
        try container.encode(count, forKey: .count)
    }
}

/// The failures of one step's run_results.json, classified and grouped.
public struct NodeFailures: Sendable, Encodable {
    /// Errors and failures, in run order.
    public let failures: [NodeFailure]
    public let warnings: [NodeFailure]
    /// Largest group first (then by the first cause's name); every skipped node is in exactly one group.
    public let skipGroups: [SkipGroup]
    public let summary: StatusSummary
    public let command: String?

    public var skippedCount: Int { skipGroups.reduce(0) { $0 + $1.count } }

    /// Every failure is a test (a `dbt test` step, or a build whose only problems were tests).
    public var onlyTestsFailed: Bool { !failures.isEmpty && failures.allSatisfy { $0.kind.isTest } }

    enum CodingKeys: String, CodingKey {
        case failures, warnings, skipGroups = "skip_groups", summary, command
    }

    public init(results: RunResults, manifest: Manifest?, excerptRadius: Int = 3) {
        let report = FailureReport(results: results, manifest: manifest)
        func classify(_ problem: NodeProblem) -> NodeFailure {
            let kind = NodeErrorKind(resourceType: problem.resourceType, status: problem.status, message: problem.message)
            var excerpt: SQLExcerpt?
            if let message = problem.message, let sql = results.compiledCode(of: problem.uniqueID) ?? manifest?.compiledCode(of: problem.uniqueID) {
                excerpt = SQLExcerpt(message: message, compiledSQL: sql, radius: excerptRadius)
            }
            return NodeFailure(problem: problem, kind: kind, sqlExcerpt: excerpt)
        }
        failures = report.failures.map(classify)
        warnings = report.warnings.map(classify)
        summary = report.summary
        command = report.command

        skipGroups = SkipGroup.groups(of: report.skipped)
    }
}

extension SkipGroup {
    /// Skipped problems grouped by their causes: largest group first (then by the first cause's
    /// name); every skipped node is in exactly one group.
    public static func groups(of skippedProblems: [NodeProblem]) -> [SkipGroup] {
        var groups: [[String]: SkipGroup] = [:]
        var order: [[String]] = []
        for skipped in skippedProblems where skipped.status == .skipped {
            let causes = skipped.skippedBecause.sorted { $0.uniqueID < $1.uniqueID }
            let key = causes.map(\.uniqueID)
            if groups[key] == nil {
                order.append(key)
                groups[key] = SkipGroup(causes: causes.map { SkipCause(uniqueID: $0.uniqueID, status: $0.status, via: []) }, nodes: [])
            }
            groups[key]?.nodes.append(skipped.uniqueID)
        }
        return order.compactMap { groups[$0] }.sorted { lhs, rhs in
            if lhs.count != rhs.count { return lhs.count > rhs.count }
            return (lhs.causes.first?.uniqueID ?? "") < (rhs.causes.first?.uniqueID ?? "")
        }
    }
}
