import Foundation

/// What a trigger asked for; echoed back as `run.trigger`.
struct TriggerRecord: Sendable {
    let id: Int
    let cause: String
    let causeCategory: String
    let jobID: Int
    let createdAt: Date
    /// The override fields exactly as the request gave them (null when absent).
    let overrides: [(String, JSONValue)]

    static let overrideKeys = [
        "git_branch", "git_sha", "azure_pull_request_id", "github_pull_request_id", "gitlab_merge_request_id",
        "non_native_pull_request_id", "schema_override", "dbt_version_override", "threads_override",
        "target_name_override", "generate_docs_override", "timeout_seconds_override", "steps_override",
    ]

    func override(_ key: String) -> JSONValue {
        overrides.first(where: { $0.0 == key })?.1 ?? .null
    }
}

/// One step as it will execute, fixed when the run is created.
struct ScheduledStep: Sendable {
    let command: String
    let kind: StepKind
    /// Offsets in seconds from the run's start.
    let start: Double
    let end: Double
    /// The status the step ends in if nothing interrupts it.
    let outcome: RunStatus
    /// A last log line for a step that was stopped (timeout).
    let closingLogLine: String?
    /// What a step of a recorded failure shape replays (its name, log and artifacts); nil for
    /// the steps of the original demo jobs, which replay by `kind`.
    var recorded: RecordedStep? = nil
}

/// A run of a job: its plan is fixed at creation; its state at any moment follows from the clock.
struct RunRecord: Sendable {
    let id: Int
    let accountID: Int
    let projectID: Int
    let environmentID: Int
    let jobID: Int
    let createdAt: Date
    let queuedSeconds: Double
    let startingSeconds: Double
    let steps: [ScheduledStep]
    /// Commands that never ran because an earlier step failed.
    let skippedCommands: [String]
    let outcome: RunStatus
    let outcomeMessage: String?
    let fixtureSet: FixtureSet
    let trigger: TriggerRecord
    let gitBranch: String?
    let gitSha: String?
    let dbtVersion: String
    let threads: Int
    let targetName: String
    var cancelledAt: Date?
    var retryingRunID: Int?
    /// The run saved no artifacts (dbt Cloud's `artifacts_saved: false`): every artifact is a 404.
    var artifactsLost = false

    var dequeuedAt: Date { createdAt.addingTimeInterval(queuedSeconds) }
    var startedAt: Date { dequeuedAt.addingTimeInterval(startingSeconds) }
    var naturalFinish: Date { startedAt.addingTimeInterval(steps.last?.end ?? 0) }

    func stepID(index: Int) -> Int { id * 100 + index }
}

/// The state of a run at one moment.
struct RunSnapshot {
    struct Step {
        let index: Int
        let scheduled: ScheduledStep
        let status: RunStatus
        let startedAt: Date
        let finishedAt: Date?
        /// 0…1: how much of the step's log has been written.
        let progress: Double
        var producedArtifacts: Bool {
            if scheduled.recorded != nil { return finishedAt != nil && scheduled.closingLogLine == nil }
            return status == .success || (status == .error && scheduled.closingLogLine == nil)
        }
    }

    let run: RunRecord
    let now: Date
    let status: RunStatus
    let statusMessage: String?
    let dequeuedAt: Date?
    let startedAt: Date?
    let finishedAt: Date?
    let steps: [Step]

    init(_ run: RunRecord, at clock: Date) {
        self.run = run
        let cancelled = run.cancelledAt.map { $0 < run.naturalFinish } ?? false
        let moment = cancelled ? min(clock, run.cancelledAt!) : clock
        now = clock
        dequeuedAt = moment >= run.dequeuedAt ? run.dequeuedAt : nil
        startedAt = moment >= run.startedAt ? run.startedAt : nil
        let elapsed = moment.timeIntervalSince(run.startedAt)
        var steps: [Step] = []
        if startedAt != nil {
            for (offset, scheduled) in run.steps.enumerated() where scheduled.start <= elapsed {
                let done = elapsed >= scheduled.end
                let length = max(scheduled.end - scheduled.start, 0.000_001)
                let status: RunStatus = done ? scheduled.outcome : (cancelled ? .cancelled : .running)
                steps.append(
                    Step(
                        index: offset + 1, scheduled: scheduled, status: status,
                        startedAt: run.startedAt.addingTimeInterval(scheduled.start),
                        finishedAt: done
                            ? run.startedAt.addingTimeInterval(scheduled.end) : (cancelled ? run.cancelledAt : nil),
                        progress: done ? 1 : min(1, max(0, (elapsed - scheduled.start) / length))))
            }
        }
        self.steps = steps
        if cancelled {
            status = .cancelled
            statusMessage = "Cancelled by user."
            finishedAt = run.cancelledAt
        } else if moment >= run.naturalFinish {
            status = run.outcome
            statusMessage = run.outcomeMessage
            finishedAt = run.naturalFinish
        } else {
            status = startedAt != nil ? .running : (dequeuedAt != nil ? .starting : .queued)
            statusMessage = nil
            finishedAt = nil
        }
    }

    /// Artifact path → fixture file, as the target directory stood after step `index` (nil: the last step).
    func artifacts(upToStep index: Int?) -> [String: String] {
        var files: [String: String] = [:]
        if run.artifactsLost { return files }
        for step in steps where step.producedArtifacts && step.index <= (index ?? Int.max) {
            if let recorded = step.scheduled.recorded {
                for artifact in recorded.artifacts { files[artifact.path] = artifact.file }
                continue
            }
            for artifact in step.scheduled.kind.artifactFiles {
                files[artifact.path] = "\(run.fixtureSet.rawValue)/\(artifact.file)"
            }
        }
        return files
    }
}
