import DbtArtifacts
import DbtCloud
import Foundation

struct TimelineCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "timeline", summary: "a node's status, execution time and git SHA in the job's last runs, newest first",
        discussion: "Reads each run's run_results.json of the step that ran dbt (fetched once, four at a time, and cached). A run where the node has no result says why: it was not in the run, the run has no run_results (it failed before dbt ran a node, or its artifacts were not saved) or it is still running.",
        examples: ["timeline int_customer_order_history", "timeline fct_orders --last 50 --job 43201", "timeline dim_customers --json", "timeline dim_customers --output csv --fields run_id,status,git_sha"],
        fields: ["run_id", "created_at", "run_status", "status", "execution_time", "git_sha", "outcome"])
    @Argument("NODE", .node) var node: String
    @Option("last", valueName: "N", help: "how many runs (default 20, at most 100)") var last = 20
    @Option("job", .job, valueName: "J", help: "another job than the context's") var job: String?
    @OptionGroup var output: OutputOptions

    /// run_results fetched at once.
    static let concurrentFetches = 4

    func run(in session: Session) async throws -> Int32 {
        guard (1...NodeHistory.maximumRuns).contains(last) else {
            throw CommandFailure.usage("timeline: --last takes 1 to \(NodeHistory.maximumRuns) runs, not \(last)")
        }
        let jobID = try await session.requireJob(job)
        let history = NodeHistory(session: session)
        let runs = try await history.runs(ofJob: jobID, limit: last)
        guard !runs.isEmpty else { throw CommandFailure.apiRefused("timeline: job \(jobID) has no runs yet") }
        let results = try await Self.results(of: runs, history: history)
        let ids = Set(results.values.flatMap { $0.results.map(\.uniqueID) })
        guard !ids.isEmpty else {
            throw CommandFailure.apiRefused("timeline: none of job \(jobID)'s last \(runs.count) runs has a run_results.json to read ('explain latest' says why)")
        }
        let uniqueID = try NodeChoice.pick(node, NodeResolver(uniqueIDs: ids.sorted()).resolve(node))
        let entries = runs.map { run in
            let facts = (try? RunFacts.decode(run.raw.data)) ?? RunFacts(id: run.id, jobID: run.jobID, status: .unknown(0))
            return TimelineEntry(run: facts, results: results[run.id], node: uniqueID)
        }
        let rows = DataRows(entries, fields: TimelineRow.fields(hasResults: { results[$0.runID] != nil }))
        try DataOutput(session, output, command: "timeline").print(rows, document: { runs in
            .object(["unique_id": .string(uniqueID), "job_id": .int(jobID), "runs": runs])
        })
        session.console.errorLine(Self.summary(uniqueID, entries))
        return 0
    }

    /// The node's status, or why it has none.
    static func nodeCell(_ entry: TimelineEntry, hasResults: Bool) -> String {
        if let status = entry.status { return status.rawValue }
        if !entry.runStatus.isFinished { return "(running)" }
        return hasResults ? "(not in run)" : "(no run_results)"
    }

    /// `int_customer_order_history failed in the last 13 runs (since run 947); it passed in run 946`.
    static func summary(_ uniqueID: String, _ entries: [TimelineEntry]) -> String {
        let name = NodeNames.shortName(uniqueID)
        let known = entries.filter { $0.outcome != .unknown }
        guard let newest = known.first else { return "\(name) has no result in these runs" }
        let streak = known.prefix { $0.outcome == newest.outcome }
        let verb = newest.outcome == .passed ? "passed" : "failed"
        var text = "\(name) \(verb) in the newest run that ran it (run \(newest.runID))"
        if streak.count > 1, let start = streak.last {
            text = "\(name) \(verb) in the last \(streak.count) runs that ran it (since run \(start.runID))"
        }
        if let before = known.dropFirst(streak.count).first {
            text += "; it \(before.outcome == .passed ? "passed" : "failed") in run \(before.runID)"
        }
        return text
    }

    /// Each finished run's run_results (absent when it has none), a few fetches at a time.
    static func results(of runs: [Run], history: NodeHistory) async throws -> [Int: RunResults] {
        try await withThrowingTaskGroup(of: (Int, RunResults?).self) { group in
            var pending = runs[...]
            var found: [Int: RunResults] = [:]
            func startNext() {
                guard let run = pending.popFirst() else { return }
                group.addTask { (run.id, try await history.results(of: run)) }
            }
            for _ in 0..<concurrentFetches { startNext() }
            while let (id, results) = try await group.next() {
                if let results { found[id] = results }
                startNext()
            }
            return found
        }
    }
}

/// The fields of a run in `timeline` (`--json`: `{unique_id, job_id, runs}`).
enum TimelineRow {
    static func fields(hasResults: @escaping (TimelineEntry) -> Bool) -> [DataField<TimelineEntry>] {
        [
            .init("run_id", .init("RUN", alignment: .right, priority: 0, truncates: false)) { .int($0.runID) },
            .init("created_at", .init("CREATED", priority: 2, truncates: false), text: { $0.createdAt.map(TimeText.short) ?? "" }) {
                Timestamp.text($0.createdAt).map(JSONValue.string) ?? .null
            },
            .init("run_status", .init("RUN STATUS", priority: 3, truncates: false), style: { StatusStyle.of(name: $0.runStatus.name) }) {
                .string($0.runStatus.name)
            },
            .init("status", .init("NODE", priority: 0, truncates: false), text: { TimelineCommand.nodeCell($0, hasResults: hasResults($0)) }) {
                $0.status.map { .string($0.rawValue) } ?? .null
            },
            .init("execution_time", .init("TIME", alignment: .right, priority: 4, truncates: false),
                  text: { $0.executionTime.map { String(format: "%.2fs", $0) } ?? "" }) { $0.executionTime.map(JSONValue.double) ?? .null },
            .init("git_sha", .init("GIT SHA", priority: 1, truncates: false), text: { $0.gitSHA.map(ChangesText.shortSHA) ?? "" }) {
                $0.gitSHA.map(JSONValue.string) ?? .null
            },
            .init("outcome", .init("OUTCOME", priority: 5), inTable: false) { .string($0.outcome.rawValue) },
        ]
    }
}
