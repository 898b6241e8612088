import DbtCloud
import TerminalText

struct JobDiffCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "job diff", summary: "what a definition file would change in its live job, key by key",
        discussion: "FILE is a 'job export' file (JSON or YAML) or a dbt-jobs-as-code file of several jobs. A job is matched by the [[identifier]] its name carries, else it is JOB (default: the context's job). Only the keys the file sets are compared; 'job apply' makes the changes.",
        examples: ["job diff nightly.json", "job diff nightly.yml 43167", "job diff jobs.yml --json"],
        fields: ChangeRow.fields.map(\.key))
    @Argument("FILE", .file) var file: String
    @Argument("JOB", .job) var jobRef: String?
    @OptionGroup var output: OutputOptions

    /// One declared job against its live job (nil when none matches: it would be created).
    struct Comparison {
        let declared: DeclaredJob
        let live: Job?
        let changes: [JobChange]

        var json: JSONValue {
            .object([
                "source": .string(declared.source), "identifier": declared.identifier.map(JSONValue.string) ?? .null,
                "job_id": live.map { .int($0.id) } ?? .null,
                "action": .string(live == nil ? "create" : changes.isEmpty ? "unchanged" : "update"),
                "changes": .array(changes.map { change in
                    .object(["key": .string(change.key), "live": change.live ?? .null, "declared": change.declared])
                }),
            ])
        }
    }

    /// One changed key (or a job without changes) as a row of `--output csv` and friends.
    struct ChangeRow {
        let comparison: Comparison
        let change: JobChange?

        static var fields: [DataField<ChangeRow>] {
            [
                DataField("job_id", Table.Column("JOB", alignment: .right, priority: 0, truncates: false)) { row in
                    row.comparison.live.map { .int($0.id) } ?? .null
                },
                DataField("action", Table.Column("ACTION", priority: 0, truncates: false)) { row in
                    row.comparison.json["action"] ?? .null
                },
                DataField("key", Table.Column("KEY", priority: 0)) { $0.change.map { .string($0.key) } ?? .null },
                DataField("live", Table.Column("LIVE"), text: { $0.change?.live.map(ChangeLines.shown) ?? "" }) { $0.change?.live ?? .null },
                DataField("declared", Table.Column("DECLARED"), text: { $0.change.map { ChangeLines.shown($0.declared) } ?? "" }) {
                    $0.change?.declared ?? .null
                },
                DataField("source", Table.Column("SOURCE", priority: 2)) { .string($0.comparison.declared.source) },
            ]
        }

        static func rows(_ comparisons: [Comparison]) -> [ChangeRow] {
            comparisons.flatMap { comparison in
                comparison.changes.isEmpty ? [ChangeRow(comparison: comparison, change: nil)]
                    : comparison.changes.map { ChangeRow(comparison: comparison, change: $0) }
            }
        }
    }

    func run(in session: Session) async throws -> Int32 {
        let command = Self.configuration.name
        let account = try session.requireAccount()
        let declared = try DeclaredJobs.read(DefinitionFile.read(file, for: command, console: session.console), source: file)
        guard !declared.isEmpty else { throw CommandFailure.usage("\(command): \(file) declares no job") }
        let client = try session.api()
        let live = declared.contains { $0.identifier != nil } ? try await client.listJobs(accountID: account).collect() : []
        var comparisons: [Comparison] = []
        for job in declared {
            let match: Job?
            if let identifier = job.identifier, let found = live.first(where: { DeclaredJob.identifier(of: $0) == identifier }) {
                match = found
            } else if job.identifier == nil || (declared.count == 1 && jobRef != nil) {
                guard declared.count == 1 else {
                    throw CommandFailure.usage("\(command): \(job.source) has no identifier; in a file of several jobs each needs one ([[name]] or a jobs: key)")
                }
                if jobRef == nil, session.context.job == nil {
                    throw CommandFailure.usage("\(command): \(job.source) names no job (no [[identifier]]); pass the job: '\(command) \(file) JOB', or 'use job ID'")
                }
                match = try await client.job(accountID: account, id: try await session.requireJob(jobRef))
            } else {
                match = nil
            }
            comparisons.append(Comparison(declared: job, live: match, changes: match.map { JobDiff.changes(job, live: $0.raw) } ?? []))
            if !job.ignoredKeys.isEmpty {
                session.console.errorLine("\(job.source): \(job.ignoredKeys.joined(separator: ", ")) not compared (dbtsh does not apply them)")
            }
        }
        try DataOutput(session, output, command: command).print(
            DataRows(ChangeRow.rows(comparisons), fields: ChangeRow.fields),
            document: { _ in .array(comparisons.map(\.json)) },
            report: { for comparison in comparisons { print(comparison, session: session) } })
        return 0
    }

    private func print(_ comparison: Comparison, session: Session) {
        let console = session.console
        guard let live = comparison.live else {
            console.line("\(comparison.declared.source): no live job has [[\(comparison.declared.identifier ?? "")]]; 'job apply' would create it")
            return
        }
        let name = VisibleControls.escaping(live.name ?? "", .singleLine)
        console.line("\("job \(live.id) '\(name)'", style: .heading) ← \(VisibleControls.escaping(comparison.declared.source, .singleLine))")
        if comparison.changes.isEmpty {
            console.line(ConsoleText.styled("  no differences", .muted))
        }
        for line in ChangeLines.lines(comparison.changes) { console.line(line) }
    }
}
