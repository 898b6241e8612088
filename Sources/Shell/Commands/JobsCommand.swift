import DbtCloud

struct JobsCommand: ShellCommand {
    static let configuration = CommandConfiguration("jobs", summary: "jobs with environment, schedule and last run status (every page)",
                                                    examples: ["jobs", "jobs --name nightly", "jobs --status error", "jobs --environment 202 --json"])
    @Option("project", .project, valueName: "P", help: "jobs of this project (default: the context's)") var project: String?
    @Option("environment", .environment, valueName: "E", help: "jobs of this environment") var environment: String?
    @Option("name", valueName: "TEXT", help: "jobs whose name contains TEXT") var name: String?
    @Option("status", .runStatus, valueName: "STATUS", help: "jobs whose last run has this status (repeatable)")
    var statuses: [String]
    @Flag("all-projects", help: "ignore the project in context") var allProjects: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let wanted = try LastRunStatus.parse(statuses)
        let resolver = EntityResolver(session: session)
        var filter = JobFilter(include: ["most_recent_completed_run"] + (wanted.isEmpty ? [] : ["most_recent_run"]))
        if !allProjects { filter.projectID = session.context.project?.id }
        if let project { filter.projectID = try await resolver.project(project).id }
        if let environment { filter.environmentID = try await resolver.environment(environment).entry.id }
        filter.nameContains = name
        var jobs = try await session.api().listJobs(accountID: account, filter: filter).collect()
        if filter.nameContains == nil, filter.environmentID == nil {
            session.listings.store(.items(of: jobs), for: .jobs(account: account, project: filter.projectID))
        }
        if !wanted.isEmpty { jobs = jobs.filter { LastRunStatus.matches($0, wanted) } }
        ListingOutput<Job>(
            columns: ["ID", "NAME", "ENV", "SCHEDULE", "LAST RUN"], numeric: [0, 2],
            row: { job in
                let last = job.mostRecentCompletedRun
                let lastText = last.map { "\($0.status?.name ?? "?") \($0.finishedAt.map(TimeText.short) ?? "")" } ?? ""
                let schedule = job.isScheduled ? (job.cronHumanized ?? job.scheduleCron ?? "scheduled") : "manual"
                return [String(job.id), job.name ?? "", job.environmentID.map(String.init) ?? "", schedule, lastText]
            },
            raw: \.raw
        ).print(jobs, output: output, session: session, emptyMessage: "no jobs match")
        return 0
    }
}

/// `jobs --status`: a finished status is the last finished run's (the LAST RUN column), and a
/// status of a run in progress is the newest run's.
enum LastRunStatus {
    static func parse(_ words: [String]) throws -> [RunStatus] {
        try words.flatMap { $0.split(separator: ",").map(String.init) }.map { name in
            guard let status = RunStatus(name: name) else {
                throw CommandFailure.usage("jobs: unknown status '\(name)'; use queued, starting, running, success, error or cancelled")
            }
            return status
        }
    }

    static func matches(_ job: Job, _ wanted: [RunStatus]) -> Bool {
        wanted.contains { status in
            switch status {
            case .queued, .starting, .running: job.mostRecentRun?.status == status
            default: job.mostRecentCompletedRun?.status == status
            }
        }
    }
}

struct RunsCommand: ShellCommand {
    static let configuration = CommandConfiguration("runs", summary: "runs, newest first (one page unless --all)",
                                                    examples: ["runs", "runs --status error --limit 5", "runs --job 43167 --all --json"])
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
        filter.statuses = try statuses.flatMap { $0.split(separator: ",").map(String.init) }.map { name in
            guard let status = RunStatus(name: name) else {
                throw CommandFailure.usage("runs: unknown status '\(name)'; use queued, starting, running, success, error or cancelled")
            }
            return status
        }
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
        ListingOutput<Run>(
            columns: ["ID", "JOB", "STATUS", "CREATED", "DURATION", "CAUSE"], numeric: [0, 1, 4],
            row: { run in
                [String(run.id), run.jobID.map(String.init) ?? "", run.status?.name ?? "", run.createdAt.map(TimeText.short) ?? "",
                 TimeText.duration(run.duration), run.trigger?.cause ?? ""]
            },
            raw: \.raw
        ).print(runs, output: output, session: session, emptyMessage: "no runs match")
        return 0
    }
}
