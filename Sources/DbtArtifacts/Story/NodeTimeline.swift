import Foundation

/// A node's status in one run of a job, for `timeline NODE`.
public struct TimelineEntry: Sendable, Encodable, Equatable {
    public var runID: Int
    public var createdAt: Date?
    public var gitSHA: String?
    public var runStatus: RunState
    /// The node's status; nil when the node was not in the run or the run has no run_results.
    public var status: NodeStatus?
    public var executionTime: Double?
    public var outcome: NodeOutcome

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", createdAt = "created_at", gitSHA = "git_sha", runStatus = "run_status", status
        case executionTime = "execution_time", outcome
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(runID, forKey: .runID)
        try container.encodeIfPresent(Timestamp.text(createdAt), forKey: .createdAt)
        try container.encodeIfPresent(gitSHA, forKey: .gitSHA)
        try container.encode(runStatus, forKey: .runStatus)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(executionTime, forKey: .executionTime)
        try container.encode(outcome, forKey: .outcome)
    }

    public init(run: RunFacts, results: RunResults?, node uniqueID: String) {
        let result = results?.result(for: uniqueID)
        runID = run.id
        createdAt = run.createdAt
        gitSHA = run.gitSHA
        runStatus = run.status
        status = result?.status
        executionTime = result?.executionTime
        outcome = NodeOutcome(result?.status)
    }
}
