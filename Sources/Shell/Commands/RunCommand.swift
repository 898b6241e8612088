import DbtCloud

struct RunCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "run", summary: "trigger the current job (or --job J); the new run becomes the context", mutates: true,
        examples: ["run --wait", "run --wait --follow", "run --steps 'dbt build -s stg_orders+' --wait", "run --job 43168 --git-branch feature/x"], rawFields: true)
    @Option("job", .job, valueName: "J", help: "trigger this job instead of the context's") var job: String?
    @Flag("wait", short: "w", help: "wait for the run to end (exit 1 on error, 7 if cancelled)") var wait: Bool
    @Flag("follow", short: "f", help: "wait, printing each step's log as it grows (Ctrl-C stops following, not the run)") var follow: Bool
    @Option("cause", valueName: "TEXT", help: "why (default: Triggered from dbtsh)") var cause = "Triggered from dbtsh"
    @Option("git-branch", valueName: "B", help: "check out this branch") var gitBranch: String?
    @Option("git-sha", valueName: "S", help: "check out this commit") var gitSHA: String?
    @Option("schema-override", valueName: "S", help: "build into this schema") var schemaOverride: String?
    @Option("threads", valueName: "N", help: "dbt threads") var threads: Int?
    @Option("target", valueName: "T", help: "target.name") var target: String?
    @Option("dbt-version", valueName: "V", help: "dbt version override") var dbtVersion: String?
    @Option("steps", valueName: "'dbt …'", help: "replace the job's commands (repeatable)") var steps: [String]
    @Flag("generate-docs", help: "also generate docs") var generateDocs: Bool
    @Option("run-timeout", valueName: "SECONDS", help: "dbt Cloud's timeout for this run") var runTimeout: Int?
    @OptionGroup var waiting: WaitOptions
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let jobID = try await session.requireJob(job)
        var request = TriggerRunRequest(cause: cause)
        request.gitBranch = gitBranch
        request.gitSHA = gitSHA
        request.schemaOverride = schemaOverride
        request.threadsOverride = threads
        request.targetNameOverride = target
        request.dbtVersionOverride = dbtVersion
        request.timeoutSecondsOverride = runTimeout
        if generateDocs { request.generateDocsOverride = true }
        if !steps.isEmpty {
            guard steps.allSatisfy({ $0.trimmingWhitespace.hasPrefix("dbt ") }) else {
                throw CommandFailure.usage("run: each --steps value is a dbt command, e.g. --steps 'dbt build -s my_model'")
            }
            request.stepsOverride = steps
        }
        let run = try await AmbiguousTrigger(session: session, accountID: account, jobID: jobID, cause: request.cause)
            .trigger { try await session.api().triggerRun(accountID: account, jobID: jobID, request) }
        if job != nil, session.context.job?.id != jobID {
            var context = session.context
            try await ContextFollower(session: session, resolver: EntityResolver(session: session))
                .place(job: try await session.api().job(accountID: account, id: jobID), in: &context)
            session.context = context
        }
        session.updateContext { $0.run = .init(id: run.id, name: run.status?.name) }
        session.console.errorLine("triggered run \(run.id) of job \(jobID)" + (run.href.map { ": \($0)" } ?? ""))
        guard wait || follow else {
            try RunSummary.print(run, output: output, session: session)
            BackgroundRunWatch.start(accountID: account, runID: run.id, session: session)
            return 0
        }
        return try await RunWaiter(session: session, options: waiting, follow: follow).wait(accountID: account, runID: run.id, output: output)
    }
}

/// In an interactive session, a run triggered without --wait is followed quietly and its end
/// is announced above the prompt.
enum BackgroundRunWatch {
    static func start(accountID: Int, runID: Int, session: Session) {
        guard session.interactive, session.notices.isConnected, let client = try? session.api() else { return }
        let interval = Duration.seconds(max(session.settings.interval, 3))
        session.background.start {
            for _ in 0..<2_000 {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return  // the session ended
                }
                guard let run = try? await client.run(accountID: accountID, id: runID), run.isFinished else { continue }
                let next = run.status == .error ? " (next: use run \(runID); failures)" : ""
                session.notices.post("run \(runID) finished: \(run.status?.name ?? "unknown")\(next)")
                return
            }
        }
    }
}

struct WaitCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "wait", summary: "wait until a run ends, showing step progress on stderr",
        discussion: "Exit status: 0 success, 1 error, 7 cancelled, 6 when --timeout elapses. Ctrl-C stops waiting and leaves the run alone. When the run fails, a short explanation goes to stderr ('explain' for the whole story). --follow prints each step's log as it grows instead of the progress line.",
        examples: ["wait", "wait 902 --timeout 10m", "wait --follow"], rawFields: true)
    @Argument("RUN", .run) var runRef: String?
    @Flag("follow", short: "f", help: "print each step's log as it grows (Ctrl-C stops following, not the run)") var follow: Bool
    @OptionGroup var waiting: WaitOptions
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let waiter = RunWaiter(session: session, options: waiting, follow: follow)
        let runID = try await waiter.resolveRun(runRef)
        return try await waiter.wait(accountID: account, runID: runID, output: output)
    }
}

struct CancelCommand: ShellCommand {
    static let configuration = CommandConfiguration("cancel", summary: "cancel a run (default: the context's)", mutates: true, rawFields: true)
    @Argument("RUN", .run) var runRef: String?
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let runID = try await session.requireRun(runRef)
        let run = try await session.api().cancelRun(accountID: account, id: runID)
        if run.status != .cancelled {
            session.console.errorLine("run \(runID) had already ended: \(run.status?.name ?? "unknown")")
        }
        try RunSummary.print(run, output: output, session: session)
        return 0
    }
}

struct RetryCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "retry", summary: "retry a failed run from the point of failure; the new run becomes the context", mutates: true,
        examples: ["retry --wait", "retry 902 --wait --timeout 30m"], rawFields: true)
    @Argument("RUN", .run) var runRef: String?
    @Flag("wait", short: "w", help: "wait for the new run to end (exit 1 on error, 7 if cancelled)") var wait: Bool
    @Flag("follow", short: "f", help: "wait, printing each step's log as it grows (Ctrl-C stops following, not the run)") var follow: Bool
    @OptionGroup var waiting: WaitOptions
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let runID = try await session.requireRun(runRef)
        let run = try await session.api().retryRun(accountID: account, id: runID)
        var context = session.context
        try await ContextFollower(session: session, resolver: EntityResolver(session: session)).place(run: run, in: &context)
        session.context = context
        session.console.errorLine("retrying run \(runID) as run \(run.id)")
        guard wait || follow else {
            try RunSummary.print(run, output: output, session: session)
            return 0
        }
        return try await RunWaiter(session: session, options: waiting, follow: follow).wait(accountID: account, runID: run.id, output: output)
    }
}

/// One run as a short table row; as data, the API's object (see `DataOutput.printRecord`).
enum RunSummary {
    static func print(_ run: Run, output: OutputOptions, session: Session) throws {
        try DataOutput(session, output, command: "run").printRecord(run.raw) {
            let table = Table(columns: [
                Table.Column("ID", alignment: .right, priority: 0, truncates: false),
                Table.Column("JOB", alignment: .right, priority: 2, truncates: false),
                Table.Column("STATUS", priority: 0, truncates: false),
                Table.Column("DURATION", alignment: .right, priority: 3, truncates: false),
                Table.Column("MESSAGE", priority: 4),
            ], rows: [[
                Table.Cell(String(run.id)), Table.Cell(run.jobID.map(String.init) ?? ""),
                Table.Cell(run.status?.name ?? "", style: StatusStyle.of(run.status)),
                Table.Cell(TimeText.duration(run.duration)), Table.Cell(run.statusMessage ?? ""),
            ]])
            session.printTable(table)
        }
    }
}
