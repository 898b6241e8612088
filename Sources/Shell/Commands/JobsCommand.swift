import DbtCloud

struct JobsCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "jobs", summary: "jobs with environment, schedule and last run status (every page)",
        discussion: "--status error lists the jobs whose last finished run ended in error (success and cancelled likewise); queued, starting and running list the jobs with a run in that state now.",
        examples: ["jobs", "jobs --name nightly", "jobs --status error", "jobs --environment 202 --json"],
        fields: JobRow.fieldKeys, rawFields: true)
    @Option("project", .project, valueName: "P", help: "jobs of this project (default: the context's)") var project: String?
    @Option("environment", .environment, valueName: "E", help: "jobs of this environment") var environment: String?
    @Option("name", valueName: "TEXT", help: "jobs whose name contains TEXT") var name: String?
    @Option("status", .runStatus, valueName: "STATUS", help: "jobs whose last run ended so, or has a run in that state (repeatable)")
    var statuses: [String]
    @Flag("all-projects", help: "ignore the project in context") var allProjects: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let resolver = EntityResolver(session: session)
        let wanted = try RunStatusList.parse(statuses, command: "jobs")
        var filter = JobFilter(include: ["most_recent_completed_run"])
        if wanted.contains(where: \.isInProgress) { filter.include.append("most_recent_run") }
        if !allProjects { filter.projectID = session.context.project?.id }
        if let project { filter.projectID = try await resolver.project(project).id }
        if let environment { filter.environmentID = try await resolver.environment(environment).entry.id }
        filter.nameContains = name
        let client = try session.api()
        let jobs = try await client.listJobs(accountID: account, filter: filter).collect()
        if filter.nameContains == nil, filter.environmentID == nil {
            session.listings.store(.items(of: jobs), for: .jobs(account: account, project: filter.projectID))
        }
        // The ENV column names environments; without them it shows their ids.
        let environments = jobs.isEmpty ? [] : (try? await client.environments(accountID: account, projectID: filter.projectID).collect()) ?? []
        let environmentNames = Dictionary(environments.compactMap { environment in
            environment.name.map { (environment.id, $0) }
        }, uniquingKeysWith: { first, _ in first })
        var rows = jobs.map { JobRow(job: $0, environmentNames: environmentNames) }
        if !wanted.isEmpty { rows = rows.filter { $0.matches(wanted) } }
        try ListingOutput(fields: JobRow.fields, raw: \.job.raw)
            .print(rows, output: output, session: session, emptyMessage: "no jobs match", command: "jobs")
        return 0
    }
}

/// A job with what its listing shows: the environment's name and its last runs, decoded once.
struct JobRow {
    let job: Job
    let environmentName: String?
    let lastFinished: Run?
    let current: Run?

    init(job: Job, environmentNames: [Int: String]) {
        self.job = job
        environmentName = job.environmentID.flatMap { environmentNames[$0] } ?? job.environment?.name
        lastFinished = job.mostRecentCompletedRun
        current = job.mostRecentRun
    }

    /// The last finished run's status for success, error and cancelled; the run under way for the others.
    func matches(_ statuses: [RunStatus]) -> Bool {
        statuses.contains { status in
            status.isInProgress ? current?.status == status : lastFinished?.status == status
        }
    }

    static var fields: [DataField<JobRow>] {
        [
            .init("id", .init("ID", alignment: .right, priority: 0, truncates: false)) { .int($0.job.id) },
            .init("name", .init("NAME", priority: 1, minimumWidth: 14)) { $0.job.raw["name"] ?? .null },
            .init("environment_name", .init("ENV", priority: 3),
                  text: { $0.environmentName ?? $0.job.environmentID.map(String.init) ?? "" }) { $0.environmentName.map(JSONValue.string) ?? .null },
            .init("environment_id", .init("ENV ID", alignment: .right, priority: 3, truncates: false), inTable: false) {
                $0.job.environmentID.map(JSONValue.int) ?? .null
            },
            .init("schedule", .init("SCHEDULE", priority: 4, minimumWidth: 12)) { row in
                .string(row.job.isScheduled ? (row.job.cronHumanized ?? row.job.scheduleCron ?? "scheduled") : "manual")
            },
            .init("last_run_status", .init("LAST RUN", priority: 2, truncates: false),
                  style: { StatusStyle.of($0.lastFinished?.status) }) { row in
                row.lastFinished.map { .string($0.status?.name ?? "") } ?? .null
            },
            .init("last_run_finished_at", .init("FINISHED", priority: 5, truncates: false),
                  text: { $0.lastFinished?.finishedAt.map(TimeText.short) ?? "" }) { row in
                row.lastFinished?.raw["finished_at"] ?? .null
            },
        ]
    }

    static var fieldKeys: [String] { fields.map(\.key) }
}

/// `--status` values of `runs` and `jobs`: repeatable, comma-separated.
enum RunStatusList {
    static func parse(_ words: [String], command: String) throws -> [RunStatus] {
        try words.flatMap { $0.split(separator: ",").map(String.init) }.map { name in
            guard let status = RunStatus(name: name) else {
                throw CommandFailure.usage("\(command): unknown status '\(name)'; use queued, starting, running, success, error or cancelled")
            }
            return status
        }
    }
}

struct RunsCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "runs", summary: "runs, newest first (one page unless --all)",
        examples: ["runs", "runs --status error --limit 5", "runs --job 43167 --all --json", "runs --output csv --fields id,status_name,created_at"],
        fields: RunRow.fieldKeys, rawFields: true)
    @Option("job", .job, valueName: "J", help: "runs of this job (default: the context's)") var job: String?
    @Option("status", .runStatus, valueName: "STATUS", help: "queued, starting, running, success, error, cancelled (repeatable)")
    var statuses: [String]
    @Option("limit", short: "n", valueName: "N", help: "how many (default 20, at most 100 a page)") var limit = 20
    @Flag("all", help: "every page") var all: Bool
    @Flag("all-jobs", help: "ignore the job in context") var allJobs: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        var filter = RunFilter(include: [.trigger])
        if !allJobs { filter.jobID = session.context.job?.id }
        if filter.jobID == nil, !allJobs { filter.projectID = session.context.project?.id }
        if let job { filter.jobID = try await session.requireJob(job) }
        // Runs of several jobs bring their job along, for its name.
        if filter.jobID == nil { filter.include.append(.job) }
        filter.statuses = try RunStatusList.parse(statuses, command: "runs")
        guard limit > 0 else { throw CommandFailure.usage("runs: --limit must be at least 1") }
        let client = try session.api()
        let runs: [Run]
        if all {
            runs = try await client.allRuns(accountID: account, filter: filter).collect()
        } else if limit <= 100 {
            runs = try await client.runs(accountID: account, filter: filter, limit: limit).items
        } else {
            runs = try await client.allRuns(accountID: account, filter: filter).prefix(items: limit).collect()
        }
        var filteredJobName: String?
        if let jobID = filter.jobID {
            filteredJobName = session.context.job?.id == jobID ? session.context.job?.name
                : try? await client.job(accountID: account, id: jobID).name
        }
        let rows = runs.map { run in RunRow(run: run, jobName: run.job?.name ?? filteredJobName) }
        // Filtered to one job, a JOB column would repeat it on every row.
        var fields = RunRow.fields
        if filter.jobID != nil, let index = fields.firstIndex(where: { $0.key == "job_name" }) { fields[index].inTable = false }
        try ListingOutput(fields: fields, raw: \.run.raw)
            .print(rows, output: output, session: session, emptyMessage: "no runs match", command: "runs")
        return 0
    }
}

/// A run as listings show it.
struct RunRow {
    let run: Run
    let jobName: String?

    static var fields: [DataField<RunRow>] {
        [
            .init("id", .init("ID", alignment: .right, priority: 0, truncates: false)) { .int($0.run.id) },
            .init("job_id", .init("JOB ID", alignment: .right, priority: 3, truncates: false), inTable: false) {
                $0.run.jobID.map(JSONValue.int) ?? .null
            },
            .init("job_name", .init("JOB", priority: 2, minimumWidth: 14), text: { $0.jobName ?? $0.run.jobID.map(String.init) ?? "" }) {
                $0.jobName.map(JSONValue.string) ?? .null
            },
            .init("status_name", .init("STATUS", priority: 0, truncates: false), style: { StatusStyle.of($0.run.status) }) {
                $0.run.status.map { .string($0.name) } ?? .null
            },
            .init("created_at", .init("CREATED", priority: 1, truncates: false), text: { $0.run.createdAt.map(TimeText.short) ?? "" }) {
                $0.run.raw["created_at"] ?? .null
            },
            .init("duration", .init("DURATION", alignment: .right, priority: 3, truncates: false),
                  text: { TimeText.duration($0.run.duration) }) { $0.run.raw["duration"] ?? .null },
            .init("cause", .init("CAUSE", priority: 4, minimumWidth: 12)) { $0.run.trigger?.cause.map(JSONValue.string) ?? .null },
        ]
    }

    static var fieldKeys: [String] { fields.map(\.key) }
}
