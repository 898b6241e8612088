import Foundation

/// One difference between two runs of a job.
public struct RunChange: Sendable, Encodable, Equatable {
    public enum Aspect: String, Sendable, Encodable {
        case gitSHA = "git sha"
        case gitBranch = "git branch"
        /// The run's dbt version setting and the dbt the step logs say ran (`compatible (dbt 1.10.23)`).
        case dbtVersion = "dbt version"
        /// The dbt commands the steps ran.
        case commands
        case threads
        case target
        case timeout
    }

    public var aspect: Aspect
    public var before: String?
    public var after: String?

    public init(aspect: Aspect, before: String?, after: String?) {
        self.aspect = aspect
        self.before = before
        self.after = after
    }
}

/// What changed between the last good run and a later one: the git SHA range, the dbt version,
/// the commands, threads and target. dbt Cloud embeds the job's *current* definition in every
/// run, so per-run settings are read from what each run did: its steps, and the
/// `Concurrency: N threads (target='…')` and `Running with dbt=…` lines of its logs.
public struct RunChanges: Sendable, Encodable {
    public let before: Int
    public let after: Int
    public let changes: [RunChange]

    public var isEmpty: Bool { changes.isEmpty }

    public func change(_ aspect: RunChange.Aspect) -> RunChange? { changes.first { $0.aspect == aspect } }

    public init(from good: RunFacts, to bad: RunFacts) {
        before = good.id
        after = bad.id
        var changes: [RunChange] = []
        func note(_ aspect: RunChange.Aspect, _ old: String?, _ new: String?) {
            if old != new { changes.append(RunChange(aspect: aspect, before: old, after: new)) }
        }
        note(.gitSHA, good.gitSHA, bad.gitSHA)
        note(.gitBranch, good.gitBranch, bad.gitBranch)
        note(.dbtVersion, Self.dbtVersion(good), Self.dbtVersion(bad))

        let oldCommands = Self.commands(good)
        let newCommands = Self.commands(bad)
        // A run that failed or was cancelled lists only the steps it got to.
        let comparable = bad.status == .success ? max(oldCommands.count, newCommands.count) : newCommands.count
        if Array(oldCommands.prefix(comparable)) != Array(newCommands.prefix(comparable)) {
            changes.append(
                RunChange(aspect: .commands, before: oldCommands.joined(separator: "; "), after: newCommands.joined(separator: "; ")))
        }
        let oldConcurrency = Self.concurrency(good)
        let newConcurrency = Self.concurrency(bad)
        if let old = oldConcurrency.threads, let new = newConcurrency.threads { note(.threads, String(old), String(new)) }
        if let old = oldConcurrency.target, let new = newConcurrency.target { note(.target, old, new) }
        if good.overrides?.timeoutSeconds != nil || bad.overrides?.timeoutSeconds != nil {
            note(.timeout, good.overrides?.timeoutSeconds.map { "\($0)s" }, bad.overrides?.timeoutSeconds.map { "\($0)s" })
        }
        self.changes = changes
    }

    /// `latest (dbt 1.11.16)`: the run's setting and, when a step log says it, the dbt that ran.
    static func dbtVersion(_ run: RunFacts) -> String? {
        let ran = run.steps.lazy.filter { if case .dbt = $0.role { return true } else { return false } }
            .compactMap { StepLog($0.log).dbtVersion }.first
        switch (run.dbtVersion, ran) {
        case (let setting?, let version?): return setting == version ? setting : "\(setting) (dbt \(version))"
        case (let setting?, nil): return setting
        case (nil, let version?): return "dbt \(version)"
        case (nil, nil): return nil
        }
    }

    static func commands(_ run: RunFacts) -> [String] {
        run.steps.compactMap { step in
            if case .dbt(_, let command) = step.role { return command }
            return nil
        }
    }

    static func concurrency(_ run: RunFacts) -> (threads: Int?, target: String?) {
        for step in run.steps where step.role.executesNodes || step.role.isFreshness {
            if let found = StepLog(step.log).concurrency { return (found.threads, found.target) }
        }
        return (run.overrides?.threads, run.overrides?.targetName)
    }
}
