import DbtArtifacts
import DbtCloud
import Foundation
import Synchronization

struct BisectCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "bisect", summary: "the run where a node started failing: its last pass and first failure, by binary search",
        discussion: "Searches the job's finished runs (the last 100 unless --last), assuming the node fails in the newest: each step reads one run's run_results.json (cached), so 30 runs cost at most 6. Prints both runs with their git SHAs, what else changed between them (dbt version, commands, threads, target) and the diff of the node's compiled SQL. Runs where the node has no result (skipped, no artifacts) are stepped over.",
        examples: ["bisect int_customer_order_history", "bisect fct_orders --job 43201 --last 30", "bisect int_customer_order_history --json"],
        fields: ["unique_id", "job_id", "runs_searched", "run_results_read", "last_pass", "first_failure", "stepped_over", "changes", "sql_diff"])
    @Argument("NODE", .node) var node: String
    @Option("job", .job, valueName: "J", help: "another job than the context's") var job: String?
    @Option("last", valueName: "N", help: "how many of the job's runs to search (default 100, the most)") var last = 100
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        guard (2...NodeHistory.maximumRuns).contains(last) else {
            throw CommandFailure.usage("bisect: --last takes 2 to \(NodeHistory.maximumRuns) runs, not \(last)")
        }
        let jobID = try await session.requireJob(job)
        let history = NodeHistory(session: session)
        let runs = Array(try await history.runs(ofJob: jobID, limit: last).filter(\.isFinished).reversed())
        guard let newest = runs.last else { throw CommandFailure.apiRefused("bisect: job \(jobID) has no finished runs") }
        let read = ReadResults(history: history)
        guard let newestResults = try await read.results(of: newest) else {
            throw CommandFailure.apiRefused(
                "bisect: the newest run of job \(jobID), \(newest.id), has no run_results.json ('explain \(newest.id)' says why); bisect needs the node to fail there")
        }
        let uniqueID = try NodeChoice.pick(node, NodeResolver(uniqueIDs: newestResults.results.map(\.uniqueID)).resolve(node))
        let name = NodeNames.shortName(uniqueID)
        switch NodeOutcome(newestResults.result(for: uniqueID)?.status) {
        case .passed:
            session.console.errorLine("\(name) passes in the newest run of job \(jobID), \(newest.id): nothing to bisect ('timeline \(name)')")
            return 0
        case .unknown:
            let status = newestResults.result(for: uniqueID)?.status.rawValue ?? "not run"
            throw CommandFailure.apiRefused("bisect: \(name) did not pass or fail in run \(newest.id) (\(status)); bisect needs it to fail in the newest run")
        case .failed:
            break
        }
        let bisection = try await Bisect.search(runs: runs, newestKnownToFail: true) { run in
            NodeOutcome(try await read.results(of: run)?.result(for: uniqueID)?.status)
        }
        var changes: RunChanges?
        var sqlDiff: UnifiedDiff?
        if let pass = bisection.lastPass, let failure = bisection.firstFailure {
            changes = await ChangesBetweenRuns.load(pass.id, failure.id, session: session)
            if let old = try await read.results(of: pass)?.compiledCode(of: uniqueID),
               let new = try await read.results(of: failure)?.compiledCode(of: uniqueID) {
                sqlDiff = UnifiedDiff(old: old, new: new, oldLabel: "run \(pass.id) (\(name) passed)", newLabel: "run \(failure.id) (\(name) failed)")
            }
        }
        let report = BisectReport(
            uniqueID: uniqueID, jobID: jobID, searched: runs.count, fetched: read.fetched, bisection: bisection, changes: changes,
            sqlDiff: sqlDiff)
        try DataOutput(session, output, command: "bisect").printRecord(try JSONText.value(report)) {
            report.print(to: session.console)
        }
        return 0
    }

    /// Each run's run_results read once, and counted.
    final class ReadResults: Sendable {
        let history: NodeHistory
        private let cache = Mutex<[Int: RunResults?]>([:])

        init(history: NodeHistory) { self.history = history }

        var fetched: Int { cache.withLock { $0.count } }

        func results(of run: Run) async throws -> RunResults? {
            if let known = cache.withLock({ $0[run.id] }) { return known }
            let results = try await history.results(of: run)
            cache.withLock { $0[run.id] = .some(results) }
            return results
        }
    }
}

/// What `bisect` found, for text and JSON.
struct BisectReport: Encodable {
    struct RunPart: Encodable {
        let runID: Int
        let createdAt: String?
        let gitSHA: String?
        let status: String?

        enum CodingKeys: String, CodingKey { case runID = "run_id", createdAt = "created_at", gitSHA = "git_sha", status }

        init(_ run: Run) {
            runID = run.id
            createdAt = Timestamp.text(run.createdAt)
            gitSHA = run.gitSha
            status = run.status?.name
        }
    }

    let uniqueID: String
    let jobID: Int
    /// Runs searched, and how many of their run_results were read.
    let searched: Int
    let fetched: Int
    let lastPass: RunPart?
    let firstFailure: RunPart?
    let steppedOver: [Int]
    let changes: [RunChange]?
    let sqlDiff: UnifiedDiff?
    private let created: (pass: Date?, failure: Date?)

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", jobID = "job_id", searched = "runs_searched", fetched = "run_results_read"
        case lastPass = "last_pass", firstFailure = "first_failure", steppedOver = "stepped_over", changes, sqlDiff = "sql_diff"
    }

    init(uniqueID: String, jobID: Int, searched: Int, fetched: Int, bisection: Bisection<Run>, changes: RunChanges?, sqlDiff: UnifiedDiff?) {
        self.uniqueID = uniqueID
        self.jobID = jobID
        self.searched = searched
        self.fetched = fetched
        lastPass = bisection.lastPass.map(RunPart.init)
        firstFailure = bisection.firstFailure.map(RunPart.init)
        steppedOver = bisection.unknown.map(\.id).sorted()
        self.changes = changes?.changes
        self.sqlDiff = sqlDiff
        created = (bisection.lastPass?.createdAt, bisection.firstFailure?.createdAt)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(uniqueID, forKey: .uniqueID)
        try container.encode(jobID, forKey: .jobID)
        try container.encode(searched, forKey: .searched)
        try container.encode(fetched, forKey: .fetched)
        try container.encodeIfPresent(lastPass, forKey: .lastPass)
        try container.encodeIfPresent(firstFailure, forKey: .firstFailure)
        try container.encode(steppedOver, forKey: .steppedOver)
        try container.encodeIfPresent(changes, forKey: .changes)
        try container.encodeIfPresent(sqlDiff?.text, forKey: .sqlDiff)
    }

    func print(to console: Console) {
        let name = NodeNames.shortName(uniqueID)
        let read = "\(fetched) run_results read for \(searched) runs of job \(jobID)"
        guard let firstFailure else {
            console.line("\(name): no run found (\(read))")
            return
        }
        guard let lastPass else {
            console.line(.styled("\(name) failed in every run it ran in, back to run \(firstFailure.runID) (\(read))", .heading))
            return
        }
        console.line(.styled("\(name) started failing in run \(firstFailure.runID) (\(read))", .heading))
        let rows = [("last pass", lastPass, created.pass), ("first failure", firstFailure, created.failure)].map { label, run, date -> [Table.Cell] in
            [label, Table.Cell("run \(run.runID)"), Table.Cell(date.map(TimeText.short) ?? ""), Table.Cell(run.gitSHA.map(ChangesText.shortSHA) ?? ""),
             Table.Cell(run.status ?? "")]
        }
        let columns = ["", "RUN", "CREATED", "GIT SHA"].map { Table.Column($0, priority: 0, truncates: false) }
            + [Table.Column("RUN STATUS", priority: 2, truncates: false)]
        console.out(Table(columns: columns, rows: rows).render(width: console.width, indent: "  "))
        if !steppedOver.isEmpty {
            console.line("  stepped over (no result for it): " + steppedOver.map { "run \($0)" }.joined(separator: ", "))
        }
        if let changes {
            console.line()
            console.line("what changed" + (changes.isEmpty ? ": nothing in git, dbt version, commands, threads or target" : ""))
            for line in ChangesText.lines(changes) { console.line("  " + line) }
        }
        console.line()
        if let sqlDiff, !sqlDiff.isEmpty {
            UnifiedDiffText.print(sqlDiff, to: console)
        } else if sqlDiff != nil {
            console.line("its compiled SQL did not change: look at what else changed, or upstream ('lineage \(name)')")
        }
    }
}
