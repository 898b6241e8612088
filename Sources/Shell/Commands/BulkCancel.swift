import DbtCloud

/// The statuses `cancel --all --status` takes: those a run can be cancelled in.
enum CancellableStatus: String, CaseIterable, ArgumentValue, Sendable {
    case queued, starting, running
}

/// `cancel --all`: every queued, starting and running run (of a job, in some statuses), listed
/// first, confirmed, then cancelled one by one and reported run by run.
struct BulkCancel {
    let session: Session
    let statuses: [CancellableStatus]
    let job: String?
    let dryRun: Bool
    let yes: Bool
    let output: OutputOptions

    /// At most this many runs are listed and cancelled at once.
    static let maximumRuns = 1_000

    func run() async throws -> Int32 {
        let command = "cancel --all"
        let account = try session.requireAccount()
        if !dryRun { try Confirmation.requireYesInScripts(yes, command: command, session: session) }
        var jobID: Int?
        if let job { jobID = try await session.requireJob(job) }
        let wanted = try statuses.map { try DbtCloudClient.cancellableStatus(named: $0.rawValue) }
        let client = try session.api()
        let runs = try await client.cancellableRuns(
            accountID: account, jobID: jobID, statuses: wanted.isEmpty ? DbtCloudClient.cancellableStatuses : wanted,
            maxItems: Self.maximumRuns
        ).collect()
        let names = (statuses.isEmpty ? CancellableStatus.allCases : statuses).map(\.rawValue)
        let listed = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "") : names.joined()
        let job = jobID.map { " of job \($0)" } ?? ""
        let scope = listed + (runs.count == 1 ? " run" : " runs") + job
        guard !runs.isEmpty else {
            session.console.errorLine("no \(scope): nothing to cancel")
            return 0
        }
        if runs.count == Self.maximumRuns {
            session.console.errorLine("listing stopped at \(Self.maximumRuns) runs; run it again for the rest")
        }
        let plan = BulkPlan<Run>(session: session, command: command, headers: ["ID", "JOB", "STATUS", "CREATED"], numeric: [0, 1], raw: \.raw) {
            [String($0.id), $0.jobID.map(String.init) ?? "", $0.status?.name ?? "", $0.createdAt.map(TimeText.short) ?? ""]
        }
        guard try plan.approved(runs, dryRun: dryRun, yes: yes, output: output,
                                wouldDo: "would cancel \(runs.count) \(scope)", intro: "\(runs.count) \(scope) to cancel:",
                                question: "cancel \(runs.count == 1 ? "this run" : "these \(runs.count) runs")?",
                                declined: "nothing was cancelled") else { return 0 }
        let change = BulkChange<Run>(
            session: session, command: command, progressVerb: "cancelling", label: { "run \($0.id)" },
            identify: { run in
                ([String(run.id), run.jobID.map(String.init) ?? "", run.status?.name ?? ""],
                 ["id": .int(run.id), "job_definition_id": run.jobID.map(JSONValue.int) ?? .null,
                  "status_before": run.status.map { .string($0.name) } ?? .null])
            })
        let outcomes = try await change.apply(runs) { run in
            switch try await client.cancel(accountID: account, runID: run.id, before: run.status) {
            case .cancelled: return (.done, "cancelled")
            case .alreadyFinished(let after): return (.unchanged, "already finished (\(after.status?.name ?? "unknown"))")
            }
        }
        return try change.report(outcomes, of: runs.count, headers: ["RUN", "JOB", "WAS"], noun: "run", doneWord: "cancelled",
                                 unchangedWord: "already finished", output: output)
    }
}

/// What a bulk change will touch, listed before anything is sent: with `--dry-run` as the
/// command's data and a line saying nothing was sent; else on stderr (the data of the command is
/// its report, on stdout), then the question.
struct BulkPlan<Item> {
    let session: Session
    let command: String
    let headers: [String]
    let numeric: Set<Int>
    let raw: (Item) -> JSONValue
    let row: (Item) -> [String]

    /// True to go ahead: not a dry run, and `--yes` or `y` to `question`.
    func approved(_ items: [Item], dryRun: Bool, yes: Bool, output: OutputOptions,
                  wouldDo: String, intro: String, question: String, declined: String) throws -> Bool {
        if dryRun {
            try ListingOutput<Item>(columns: headers, numeric: numeric, row: row, raw: raw)
                .print(items, output: output, session: session, emptyMessage: "", command: command)
            session.console.errorLine("\(wouldDo) (dry run: nothing was sent)")
            return false
        }
        session.console.errorLine(intro)
        let width = session.console.stderrIsTerminal ? session.console.device.size.columns : nil
        session.console.err(Table(headers: headers, rows: items.map(row), numeric: numeric).render(width: width, indent: "  "))
        guard Confirmation.granted(question, yes: yes, session: session) else {
            session.console.errorLine(declined)
            return false
        }
        return true
    }
}
