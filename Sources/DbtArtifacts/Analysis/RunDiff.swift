import Foundation

/// Per-node changes between two run_results.json (usually two runs of the same job step).
public struct RunDiff: Sendable, Encodable {
    public struct StatusChange: Sendable, Encodable, Equatable {
        public var uniqueID: String
        /// nil when the node is not in the old run.
        public var old: NodeStatus?
        public var new: NodeStatus

        enum CodingKeys: String, CodingKey { case uniqueID = "unique_id", old, new }
    }

    public struct TimingChange: Sendable, Encodable, Equatable {
        public var uniqueID: String
        public var old: Double
        public var new: Double
        /// new − old, in seconds.
        public var delta: Double

        enum CodingKeys: String, CodingKey { case uniqueID = "unique_id", old, new, delta }
    }

    /// Nodes in both runs whose status differs, in the new run's order.
    public let statusChanges: [StatusChange]
    /// error, fail or warn in the new run and not a problem (or absent) in the old one.
    public let newFailures: [StatusChange]
    /// error, fail or warn in the old run and success, pass or no-op in the new one.
    public let fixed: [StatusChange]
    /// In the new run only.
    public let added: [String]
    /// In the old run only.
    public let removed: [String]
    /// The largest execution_time changes, biggest absolute delta first.
    public let timingChanges: [TimingChange]
    public let oldSummary: StatusSummary
    public let newSummary: StatusSummary
    /// elapsed_time of each run.
    public let oldElapsed: Double?
    public let newElapsed: Double?

    public init(old: RunResults, new: RunResults, topTimingChanges: Int = 10) {
        var changes: [StatusChange] = []
        var newFailures: [StatusChange] = []
        var fixed: [StatusChange] = []
        var added: [String] = []
        var timing: [TimingChange] = []
        for result in new.results {
            guard let before = old.result(for: result.uniqueID) else {
                added.append(result.uniqueID)
                if result.status.isProblem {
                    newFailures.append(StatusChange(uniqueID: result.uniqueID, old: nil, new: result.status))
                }
                continue
            }
            if before.status != result.status {
                let change = StatusChange(uniqueID: result.uniqueID, old: before.status, new: result.status)
                changes.append(change)
                if result.status.isProblem, !before.status.isProblem { newFailures.append(change) }
                if before.status.isProblem, result.status.isGood { fixed.append(change) }
            }
            if let was = before.executionTime, let now = result.executionTime,
               before.status != .skipped, result.status != .skipped {
                timing.append(TimingChange(uniqueID: result.uniqueID, old: was, new: now, delta: now - was))
            }
        }
        statusChanges = changes
        self.newFailures = newFailures
        self.fixed = fixed
        self.added = added
        removed = old.results.map(\.uniqueID).filter { new.result(for: $0) == nil }
        timingChanges = Array(timing.sorted { abs($0.delta) > abs($1.delta) }.prefix(max(0, topTimingChanges)))
        oldSummary = old.summary
        newSummary = new.summary
        oldElapsed = old.elapsedTime
        newElapsed = new.elapsedTime
    }

    public var isEmpty: Bool { statusChanges.isEmpty && added.isEmpty && removed.isEmpty }

    enum CodingKeys: String, CodingKey {
        case statusChanges = "status_changes", newFailures = "new_failures", fixed, added, removed
        case timingChanges = "timing_changes", oldSummary = "old_summary", newSummary = "new_summary"
        case oldElapsed = "old_elapsed", newElapsed = "new_elapsed"
    }
}
