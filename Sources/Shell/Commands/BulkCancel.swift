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
        let headers = ["ID", "JOB", "STATUS", "CREATED"]
        let row: (Run) -> [String] = {
            [String($0.id), $0.jobID.map(String.init) ?? "", $0.status?.name ?? "", $0.createdAt.map(TimeText.short) ?? ""]
        }
        let plan = ListingOutput<Run>(columns: headers, numeric: [0, 1], row: row, raw: \.raw)
        if dryRun {
            try plan.print(runs, output: output, session: session, emptyMessage: "", command: command)
            session.console.errorLine("would cancel \(runs.count) \(scope) (dry run: nothing was sent)")
            return 0
        }
        session.console.errorLine("\(runs.count) \(scope) to cancel:")
        PlanText.printOnStderr(runs.map(row), headers: headers, numeric: [0, 1], session: session)
        guard Confirmation.granted("cancel \(runs.count == 1 ? "this run" : "these \(runs.count) runs")?", yes: yes, session: session) else {
            session.console.errorLine("nothing was cancelled")
            return 0
        }
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

/// What a bulk change will touch, shown on stderr before it asks: the data of the command is
/// its report, on stdout.
enum PlanText {
    static func printOnStderr(_ rows: [[String]], headers: [String], numeric: Set<Int>, session: Session) {
        let width = session.console.stderrIsTerminal ? session.console.device.size.columns : nil
        session.console.err(Table(headers: headers, rows: rows, numeric: numeric).render(width: width, indent: "  "))
    }
}
