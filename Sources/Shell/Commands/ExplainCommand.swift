import DbtArtifacts
import DbtCloud
import Foundation

struct ExplainCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "explain", summary: "why a run failed, or what it is doing: one screen for any run",
        discussion: "Says the run's status, the step that failed (or is running), the error and its lines, the failing nodes with their file, relation and the compiled SQL around the line the error names, what was skipped (counted by cause), what changed since the job last passed (git SHAs, dbt version, commands, threads, target) and the next commands to type. Every shape is read: node errors, test failures, parse and compile errors, source freshness, git clone, profile, dbt deps and connection errors, cancelled, timed out and running runs, and runs whose artifacts were not saved. Without RUN: the context's run, else the newest run of the context's job. A finished run named by its id costs 3 requests plus its artifacts, which are cached.",
        examples: ["explain", "explain 959", "explain last-failed --json", "explain 959 --json --fields run,changes"],
        fields: ["run", "story", "commands_not_run", "missing_artifacts", "history", "changes", "next_commands"])
    @Argument("RUN", .run) var runRef: String?
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let loader = RunStoryLoader(session: session)
        // With a job and no run in context, the job's newest run is the one worth explaining.
        let context = session.context
        let latestOfJob = runRef == nil && context.run == nil && context.job != nil
        let loaded = try await loader.run(named: latestOfJob ? "latest" : runRef)
        if latestOfJob { session.console.errorLine("run \(loaded.run.id), the newest of job \(context.job?.id ?? 0):") }
        let explained = try await loader.explain(loaded)
        var history: ChangesSinceSuccess?
        if explained.story.verdict.isFailure {
            do {
                history = try await ChangesSinceSuccess.load(for: explained.loaded, session: session)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                session.console.errorLine("note: the job's earlier runs could not be read (\(ErrorReport.failure(for: error).message))")
            }
        }
        let next = NextCommands(
            runID: explained.run.id, jobID: explained.run.jobID, session: session, lastSuccessID: history?.lastSuccess?.id,
            skippedCount: explained.story.nodes?.skippedCount ?? 0
        ).spell(explained.story.nextSteps)
        let document = try JSONText.value(ExplainDocument(explained: explained, history: history, next: next))
        try DataOutput(session, output, command: "explain").printRecord(document) {
            ExplainText(explained: explained, history: history, next: next).print(to: session.console)
        }
        return 0
    }
}

/// `explain --output json`: the run, its story, where it stands in the job's history, what
/// changed, and the commands to type next (snake_case keys, ISO 8601 times).
struct ExplainDocument: Encodable {
    struct RunPart: Encodable {
        let id: Int
        let jobID: Int?
        let jobName: String?
        let status: String
        let statusMessage: String?
        let gitSHA: String?
        let gitBranch: String?
        let dbtVersion: String?
        let createdAt: String?
        let finishedAt: String?
        let runDurationSeconds: Double?
        let artifactsSaved: Bool?
        let href: String?

        enum CodingKeys: String, CodingKey {
            case id, jobID = "job_id", jobName = "job_name", status, statusMessage = "status_message", gitSHA = "git_sha"
            case gitBranch = "git_branch", dbtVersion = "dbt_version", createdAt = "created_at", finishedAt = "finished_at"
            case runDurationSeconds = "run_duration_seconds", artifactsSaved = "artifacts_saved", href
        }
    }

    struct HistoryPart: Encodable {
        let lastSuccessRunID: Int?
        let lastSuccessCreatedAt: String?
        let firstFailingRunID: Int?
        let runsSinceSuccess: Int
        let runsSearched: Int

        enum CodingKeys: String, CodingKey {
            case lastSuccessRunID = "last_success_run_id", lastSuccessCreatedAt = "last_success_created_at"
            case firstFailingRunID = "first_failing_run_id", runsSinceSuccess = "runs_since_success", runsSearched = "runs_searched"
        }
    }

    let run: RunPart
    let story: RunStory
    let commandsNotRun: [String]
    let missingArtifacts: [EvidenceRequest]
    let history: HistoryPart?
    let changes: [RunChange]?
    let nextCommands: [NextCommand]

    enum CodingKeys: String, CodingKey {
        case run, story, commandsNotRun = "commands_not_run", missingArtifacts = "missing_artifacts", history, changes
        case nextCommands = "next_commands"
    }

    init(explained: ExplainedRun, history: ChangesSinceSuccess?, next: [NextCommand]) {
        let facts = explained.facts
        run = RunPart(
            id: facts.id, jobID: facts.jobID, jobName: explained.loaded.jobName, status: facts.status.name,
            statusMessage: facts.statusMessage, gitSHA: facts.gitSHA, gitBranch: facts.gitBranch, dbtVersion: facts.dbtVersion,
            createdAt: Timestamp.text(facts.createdAt), finishedAt: Timestamp.text(facts.finishedAt),
            runDurationSeconds: facts.runDurationSeconds, artifactsSaved: facts.artifactsSaved, href: explained.run.href)
        story = explained.story
        commandsNotRun = ExplainText.commandsNotRun(facts)
        missingArtifacts = explained.missing
        self.history = history.map { history in
            HistoryPart(
                lastSuccessRunID: history.lastSuccess?.id, lastSuccessCreatedAt: Timestamp.text(history.lastSuccess?.createdAt),
                firstFailingRunID: history.firstAfter?.id, runsSinceSuccess: history.runsSince, runsSearched: history.searched)
        }
        changes = history?.changes?.changes
        nextCommands = next
    }
}
