import Foundation

/// A run's or a step's status, from dbt Cloud's status codes (1, 2, 3, 10, 20, 30).
public enum RunState: Sendable, Equatable, Encodable {
    case queued, starting, running, success, error, cancelled
    case unknown(Int)

    public init(code: Int) {
        switch code {
        case 1: self = .queued
        case 2: self = .starting
        case 3: self = .running
        case 10: self = .success
        case 20: self = .error
        case 30: self = .cancelled
        default: self = .unknown(code)
        }
    }

    public var isFinished: Bool {
        switch self {
        case .success, .error, .cancelled: return true
        default: return false
        }
    }

    public var name: String {
        switch self {
        case .queued: return "queued"
        case .starting: return "starting"
        case .running: return "running"
        case .success: return "success"
        case .error: return "error"
        case .cancelled: return "cancelled"
        case .unknown(let code): return "status \(code)"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// One step of a run as dbt Cloud reports it (`run_steps[]`).
public struct StepFacts: Sendable, Encodable, Equatable {
    /// 1-based, the same number as the artifacts' `?step=`.
    public var index: Int
    public var id: Int?
    /// e.g. "Clone git repository", "Invoke dbt with `dbt build`".
    public var name: String
    public var status: RunState
    /// The console log (`logs`), as far as the step has got.
    public var log: String
    /// `debug_logs` when fetched, else `truncated_debug_logs` (the last 1,000 lines).
    public var debugLog: String?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// `duration` ("HH:MM:SS") in seconds.
    public var durationSeconds: Double?

    public init(
        index: Int, id: Int? = nil, name: String, status: RunState, log: String = "", debugLog: String? = nil,
        startedAt: Date? = nil, finishedAt: Date? = nil, durationSeconds: Double? = nil
    ) {
        self.index = index
        self.id = id
        self.name = name
        self.status = status
        self.log = log
        self.debugLog = debugLog
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
    }

    public var role: StepRole { StepRole(stepName: name) }

    enum CodingKeys: String, CodingKey {
        case index, id, name, status, startedAt = "started_at", finishedAt = "finished_at"
        case durationSeconds = "duration_seconds"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(Timestamp.text(startedAt), forKey: .startedAt)
        try container.encodeIfPresent(Timestamp.text(finishedAt), forKey: .finishedAt)
        try container.encodeIfPresent(durationSeconds, forKey: .durationSeconds)
    }
}

/// The job settings a run was made with, when known (`include_related=["job"]` or the trigger's overrides).
public struct JobSettingsFacts: Sendable, Encodable, Equatable {
    public var executeSteps: [String]?
    public var threads: Int?
    public var targetName: String?
    public var timeoutSeconds: Int?
    public var generateDocs: Bool?

    public init(
        executeSteps: [String]? = nil, threads: Int? = nil, targetName: String? = nil, timeoutSeconds: Int? = nil,
        generateDocs: Bool? = nil
    ) {
        self.executeSteps = executeSteps
        self.threads = threads
        self.targetName = targetName
        self.timeoutSeconds = timeoutSeconds
        self.generateDocs = generateDocs
    }

    enum CodingKeys: String, CodingKey {
        case executeSteps = "execute_steps", threads, targetName = "target_name", timeoutSeconds = "timeout_seconds"
        case generateDocs = "generate_docs"
    }
}

/// What dbt Cloud says about a run, reduced to what the debugging analysis reads. Built from the
/// run's JSON (`RunFacts.decode`) or field by field.
public struct RunFacts: Sendable, Encodable, Equatable {
    public var id: Int
    public var jobID: Int?
    public var status: RunState
    public var statusMessage: String?
    public var gitSHA: String?
    public var gitBranch: String?
    /// The run's `dbt_version` (a version or a release track such as "latest").
    public var dbtVersion: String?
    public var createdAt: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// `run_duration` in seconds (from start to end, or to now while running).
    public var runDurationSeconds: Double?
    /// `artifacts_saved`; nil when the API did not say.
    public var artifactsSaved: Bool?
    /// Empty unless the run was fetched with its steps.
    public var steps: [StepFacts]
    /// The job's settings as embedded in the run, when fetched with `job`.
    public var job: JobSettingsFacts?
    /// Overrides the trigger asked for (`threads_override`, `steps_override`, …), when fetched with `trigger`.
    public var overrides: JobSettingsFacts?

    public init(
        id: Int, jobID: Int? = nil, status: RunState, statusMessage: String? = nil, gitSHA: String? = nil,
        gitBranch: String? = nil, dbtVersion: String? = nil, createdAt: Date? = nil, startedAt: Date? = nil,
        finishedAt: Date? = nil, runDurationSeconds: Double? = nil, artifactsSaved: Bool? = nil,
        steps: [StepFacts] = [], job: JobSettingsFacts? = nil, overrides: JobSettingsFacts? = nil
    ) {
        self.id = id
        self.jobID = jobID
        self.status = status
        self.statusMessage = statusMessage
        self.gitSHA = gitSHA
        self.gitBranch = gitBranch
        self.dbtVersion = dbtVersion
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.runDurationSeconds = runDurationSeconds
        self.artifactsSaved = artifactsSaved
        self.steps = steps
        self.job = job
        self.overrides = overrides
    }

    public func step(_ index: Int) -> StepFacts? { steps.first { $0.index == index } }

    enum CodingKeys: String, CodingKey {
        case id, jobID = "job_id", status, statusMessage = "status_message", gitSHA = "git_sha"
        case gitBranch = "git_branch", dbtVersion = "dbt_version", createdAt = "created_at", startedAt = "started_at"
        case finishedAt = "finished_at", runDurationSeconds = "run_duration_seconds", artifactsSaved = "artifacts_saved"
        case steps, job, overrides
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(jobID, forKey: .jobID)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(statusMessage, forKey: .statusMessage)
        try container.encodeIfPresent(gitSHA, forKey: .gitSHA)
        try container.encodeIfPresent(gitBranch, forKey: .gitBranch)
        try container.encodeIfPresent(dbtVersion, forKey: .dbtVersion)
        try container.encodeIfPresent(Timestamp.text(createdAt), forKey: .createdAt)
        try container.encodeIfPresent(Timestamp.text(startedAt), forKey: .startedAt)
        try container.encodeIfPresent(Timestamp.text(finishedAt), forKey: .finishedAt)
        try container.encodeIfPresent(runDurationSeconds, forKey: .runDurationSeconds)
        try container.encodeIfPresent(artifactsSaved, forKey: .artifactsSaved)
        try container.encode(steps, forKey: .steps)
        try container.encodeIfPresent(job, forKey: .job)
        try container.encodeIfPresent(overrides, forKey: .overrides)
    }
}

/// What kind of work a step does, read from its name.
public enum StepRole: Sendable, Equatable, Encodable {
    /// dbt Cloud's "Clone git repository".
    case gitClone
    /// dbt Cloud's "Create profile from connection …".
    case profile
    /// "Invoke dbt with `dbt …`": the subcommand (`deps`, `build`, `source freshness`, `docs generate`, …)
    /// and the whole command.
    case dbt(subcommand: String, command: String)
    case other

    public init(stepName: String) {
        let lowered = stepName.lowercased()
        if lowered.hasPrefix("clone git repository") || lowered.hasPrefix("clone repository") {
            self = .gitClone
        } else if lowered.hasPrefix("create profile") {
            self = .profile
        } else if let command = Self.dbtCommand(in: stepName) {
            self = .dbt(subcommand: Self.subcommand(of: command), command: command)
        } else {
            self = .other
        }
    }

    /// `Invoke dbt with \`dbt build -s x\`` → `dbt build -s x`.
    static func dbtCommand(in stepName: String) -> String? {
        guard let open = stepName.firstIndex(of: "`") else {
            return stepName.hasPrefix("dbt ") ? stepName : nil
        }
        let rest = stepName[stepName.index(after: open)...]
        let command = rest.firstIndex(of: "`").map { rest[..<$0] } ?? rest
        let trimmed = command.trimmingCharacters(in: .whitespaces)
        return trimmed.hasPrefix("dbt ") ? trimmed : nil
    }

    /// `dbt --warn-error source freshness --select x` → `source freshness`; `dbt build -s x` → `build`.
    static func subcommand(of command: String) -> String {
        let words = command.split(separator: " ").dropFirst().filter { !$0.hasPrefix("-") }.map(String.init)
        guard let first = words.first else { return "" }
        if ["source", "docs"].contains(first), words.count > 1 { return "\(first) \(words[1])" }
        return first
    }

    /// True for commands that run nodes and write run_results.json with their results.
    public var executesNodes: Bool {
        guard case .dbt(let subcommand, _) = self else { return false }
        return ["build", "run", "test", "seed", "snapshot", "run-operation", "clone", "retry"].contains(subcommand)
    }

    public var isFreshness: Bool {
        if case .dbt("source freshness", _) = self { return true }
        return false
    }

    public var isDeps: Bool {
        if case .dbt("deps", _) = self { return true }
        return false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .gitClone: try container.encode("git clone")
        case .profile: try container.encode("profile")
        case .dbt(_, let command): try container.encode(command)
        case .other: try container.encode("other")
        }
    }
}
