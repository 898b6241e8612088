import DbtCloud
import TerminalText

struct JobApplyCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "job apply", summary: "create or update the jobs that definition files describe, after showing the plan",
        discussion: "FILE is a job file (JSON or YAML, as 'job export' writes it), a dbt-jobs-as-code file ('jobs:' by identifier), or a folder of them. Each job is matched to a live job by its identifier, kept in dbt Cloud as a ' [[identifier]]' suffix of the job name (as dbt-jobs-as-code does). Live jobs that no file declares are left alone. Asks on a terminal; --yes in scripts. Exit 8 when some jobs failed and others did not.",
        mutates: true,
        examples: ["job apply jobs/ --dry-run", "job apply jobs.yml", "job apply nightly.yml hourly.yml --yes"],
        fields: PlanRow.fields.map(\.key))
    @Argument("FILE", .file, help: "definition files or folders of them") var paths: [String]
    @Flag("dry-run", help: "show the plan, change nothing") var dryRun: Bool
    @Flag("yes", short: "y", help: "do not ask (required in scripts)") var yes: Bool
    @OptionGroup var output: OutputOptions

    var changesDbtCloud: Bool { !dryRun }

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        let account = try session.requireAccount()
        let declared = try read(session: session)
        guard !declared.isEmpty else { throw CommandFailure.usage("\(command): \(paths.joined(separator: ", ")) declare no job") }
        if !dryRun { try Confirmation.requireYesInScripts(yes, command: command, session: session) }
        let client = try session.api()
        let live = try await client.listJobs(accountID: account).collect()
        let plan = JobApplyPlan.make(declared: declared, live: live, accountID: account)
        for note in plan.notes { session.console.errorLine("\(command): \(note)") }
        guard plan.isApplicable else {
            for problem in plan.problems { session.console.errorLine("\(command): \(problem)") }
            throw CommandFailure.usage("\(command): \(plan.problems.count) problem\(plan.problems.count == 1 ? "" : "s") in the files; nothing was changed")
        }
        if !plan.untracked.isEmpty {
            let ids = plan.untracked.map { String($0.id) }.joined(separator: ", ")
            session.console.errorLine("\(command): left alone, jobs with an identifier no file declares: \(ids)")
        }
        if dryRun {
            try DataOutput(session, output, command: command).print(
                DataRows(plan.items, fields: PlanRow.fields),
                document: { _ in .array(plan.items.map(PlanRow.json)) },
                report: { printPlan(plan, on: .out, session: session) })
            session.console.errorLine("\(summary(plan)) (dry run: nothing was sent)")
            return 0
        }
        guard !plan.pending.isEmpty else {
            session.console.errorLine("nothing to change: \(plan.items.count) job\(plan.items.count == 1 ? " is" : "s are") as declared")
            return 0
        }
        printPlan(plan, on: .err, session: session)
        guard Confirmation.granted("apply: \(summary(plan))?", yes: yes, session: session) else {
            session.console.errorLine("nothing was changed")
            return 0
        }
        let change = BulkChange<JobApplyPlan.Item>(
            session: session, command: "job apply", progressVerb: "applying", label: { Self.label($0) },
            identify: { item in
                ([item.action.rawValue, item.job.identifier ?? "", item.job.source],
                 ["action": .string(item.action.rawValue), "identifier": item.job.identifier.map(JSONValue.string) ?? .null,
                  "source": .string(item.job.source)])
            })
        let outcomes = try await change.apply(plan.pending) { item in
            guard let body = item.body else { return (.unchanged, "unchanged") }
            if let liveJob = item.liveJob {
                let job = try await client.updateJob(accountID: account, id: liveJob.id, definition: body)
                return (.done, "updated job \(job.id)")
            }
            let job = try await client.createJob(accountID: account, definition: body)
            return (.done, "created job \(job.id)")
        }
        return try change.report(outcomes, of: plan.pending.count, headers: ["ACTION", "IDENTIFIER", "SOURCE"], noun: "job",
                                 doneWord: "applied", unchangedWord: "unchanged", output: output)
    }

    private func read(session: Session) throws -> [DeclaredJob] {
        let command = Self.configuration.name
        guard paths.contains("-") else { return try DeclaredJobs.read(paths: paths) }
        guard paths == ["-"] else { throw CommandFailure.usage("\(command): - (standard input) is the only FILE when given") }
        return try DeclaredJobs.read(DefinitionFile.read("-", for: command, console: session.console), source: "-")
    }

    static func label(_ item: JobApplyPlan.Item) -> String {
        let identifier = item.job.identifier.map { "[[\($0)]]" } ?? item.job.source
        return item.liveJob.map { "job \($0.id) \(identifier)" } ?? identifier
    }

    private func summary(_ plan: JobApplyPlan) -> String {
        let count = { (action: JobApplyPlan.Action) in plan.items.filter { $0.action == action }.count }
        return "\(count(.create)) to create, \(count(.update)) to update, \(count(.unchanged)) unchanged"
    }

    /// Each job with its action, and the keys an update changes.
    private func printPlan(_ plan: JobApplyPlan, on stream: ConsoleStream, session: Session) {
        for item in plan.items {
            let style: TextStyle = item.action == .create ? .success : item.action == .update ? .warning : .muted
            let name = VisibleControls.escaping(item.job.cloudName ?? item.job.fields["name"]?.stringValue ?? "", .singleLine)
            let job = item.liveJob.map { "job \($0.id)" } ?? "new job"
            let source = VisibleControls.escaping(item.job.source, .singleLine)
            let line: ConsoleText = "\(item.action.rawValue.padding(10), style: style)\(job.padding(10))'\(name)'  \("← " + source, style: .muted)"
            stream == .out ? session.console.line(line) : session.console.errorLine(line)
            for change in ChangeLines.lines(item.changes, indent: "    ") {
                stream == .out ? session.console.line(change) : session.console.errorLine(change)
            }
        }
    }
}

/// A job of the plan as data (`job apply --dry-run --json`, `--output csv`…).
enum PlanRow {
    static var fields: [DataField<JobApplyPlan.Item>] {
        [
            DataField("action", Table.Column("ACTION", priority: 0, truncates: false)) { .string($0.action.rawValue) },
            DataField("job_id", Table.Column("JOB", alignment: .right, priority: 0, truncates: false)) { item in
                item.liveJob.map { .int($0.id) } ?? .null
            },
            DataField("identifier", Table.Column("IDENTIFIER", priority: 0)) { $0.job.identifier.map(JSONValue.string) ?? .null },
            DataField("changes", Table.Column("CHANGES")) { .array($0.changes.map { .string($0.key) }) },
            DataField("source", Table.Column("SOURCE", priority: 2)) { .string($0.job.source) },
        ]
    }

    static func json(_ item: JobApplyPlan.Item) -> JSONValue {
        .object([
            "action": .string(item.action.rawValue), "identifier": item.job.identifier.map(JSONValue.string) ?? .null,
            "source": .string(item.job.source), "job_id": item.liveJob.map { .int($0.id) } ?? .null,
            "changes": .array(item.changes.map { .object(["key": .string($0.key), "live": $0.live ?? .null, "declared": $0.declared]) }),
        ])
    }
}
