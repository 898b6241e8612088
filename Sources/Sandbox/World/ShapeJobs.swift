import Foundation

extension DemoWorld {
    /// A demo job whose newest run has one failure shape (see the README, "Demo jobs for every failure shape").
    public struct ShapeJob: Sendable, Equatable {
        /// The fixture folder, e.g. `freshness_failure`.
        public let shape: String
        public let jobID: Int
        public let name: String
        /// The run that shows the shape: the job's newest.
        public let runID: Int
        /// The job's last successful run before it, if the history has one.
        public let lastSuccessRunID: Int?
    }

    /// The daily build whose history (runs 930–959) passes until run 947, where five nodes start failing.
    public static let historyJobID = 43201
    public static let historyRunIDs = 930...959
    public static let historyFirstFailingRunID = 947

    public static let shapeJobs: [ShapeJob] = ShapeJobs.all.map {
        ShapeJob(shape: $0.latest.shape.rawValue, jobID: $0.id, name: $0.name, runID: $0.latest.id, lastSuccessRunID: $0.lastSuccess)
    }

    public static func shapeJob(_ shape: String) -> ShapeJob? { shapeJobs.first { $0.shape == shape } }
}

/// The failure-shape demo jobs: their definitions and seeded run histories.
enum ShapeJobs {
    struct SeededRun {
        let id: Int
        let shape: DemoShape
        let createdAt: Date
        /// dbt Cloud's `dbt_version`: the account moved from the `compatible` release track to
        /// `latest` on 2026-11-16, the day the daily build broke.
        let dbtVersion: String
        var threads = 4
        var cause = "Kicked off by schedule"
        var category = "scheduled"
        var gitBranch: String? = nil
    }

    struct Job {
        let id: Int
        let name: String
        let description: String
        let steps: [String]
        var generateDocs = false
        var threads = 4
        var timeoutSeconds = 0
        var schedule: JobRecord.Schedule = .nightly
        /// Oldest first; the last is the run that shows the shape.
        let runs: [SeededRun]

        var latest: SeededRun { runs[runs.count - 1] }
        var lastSuccess: Int? { runs.dropLast().last { $0.shape.plan.outcome == .success }?.id }
    }

    static let day = 86_400.0

    /// `2026-11-28 hh:00:05 UTC` minus `daysBefore` days.
    static func at(hour: Int, daysBefore: Int) -> Date {
        Date(timeIntervalSince1970: 1_795_824_005 + Double(hour) * 3_600 - Double(daysBefore) * day)
    }

    static let all: [Job] = [
        Job(
            id: DemoWorld.historyJobID, name: "Daily build", description: "deps and build of lumen_shop at 02:00",
            steps: ["dbt build"], threads: 8,
            runs: DemoWorld.historyRunIDs.map { id in
                let passes = id < DemoWorld.historyFirstFailingRunID
                return SeededRun(
                    id: id, shape: passes ? .dailyPass : .multipleFailures,
                    createdAt: at(hour: 2, daysBefore: DemoWorld.historyRunIDs.upperBound - id),
                    dbtVersion: passes ? "compatible" : "latest", threads: passes ? 4 : 8)
            }),
        Job(
            id: 43202, name: "Freshness gate", description: "source freshness, then build only if the sources are fresh",
            steps: ["dbt source freshness", "dbt build"],
            runs: [
                SeededRun(id: 960, shape: .freshnessPass, createdAt: at(hour: 6, daysBefore: 2), dbtVersion: "compatible"),
                SeededRun(id: 961, shape: .freshnessPass, createdAt: at(hour: 6, daysBefore: 1), dbtVersion: "compatible"),
                SeededRun(id: 962, shape: .freshnessFailure, createdAt: at(hour: 6, daysBefore: 0), dbtVersion: "latest"),
            ]),
        Job(
            id: 43203, name: "Run then test", description: "dbt run, then dbt test",
            steps: ["dbt run", "dbt test"],
            runs: [SeededRun(id: 963, shape: .testStepFailure, createdAt: at(hour: 7, daysBefore: 0), dbtVersion: "latest")]),
        Job(
            id: 43204, name: "Refunds build", description: "build with the new refunds mart, then docs",
            steps: ["dbt build"], generateDocs: true,
            runs: [SeededRun(id: 964, shape: .compileError, createdAt: at(hour: 8, daysBefore: 0), dbtVersion: "latest")]),
        pair(43205, "Package upgrade", "build with the lumen utilities package", pass: 965, shape: .depsFailure, hour: 9),
        pair(43206, "Warehouse reload", "build against the analytics volume", pass: 967, shape: .connectionFailure, hour: 10),
        pair(43207, "Release build", "build of the release branch", pass: 969, shape: .gitCloneFailure, hour: 11,
             branch: "release/2026-12"),
        pair(43208, "Backfill", "full build for a backfill", pass: 971, shape: .cancelled, hour: 12),
        pair(43209, "Marts with timeout", "build with a 10-minute timeout", pass: 973, shape: .timedOut, hour: 13,
             timeout: DemoShape.timeoutSeconds),
        pair(43210, "Continuous build", "build that is running now", pass: 975, shape: .running, hour: 14),
        pair(43211, "Ad-hoc build", "build whose artifacts were lost", pass: 977, shape: .artifactsNotSaved, hour: 15),
    ]

    /// A job with one green run a day before the run that shows `shape`.
    private static func pair(
        _ id: Int, _ name: String, _ description: String, pass: Int, shape: DemoShape, hour: Int, branch: String? = nil,
        timeout: Int = 0
    ) -> Job {
        var green = SeededRun(id: pass, shape: .dailyPass, createdAt: at(hour: hour, daysBefore: 1), dbtVersion: "compatible")
        var latest = SeededRun(
            id: pass + 1, shape: shape, createdAt: at(hour: hour, daysBefore: 0),
            dbtVersion: shape == .running ? "compatible" : "latest")
        green.gitBranch = branch
        latest.gitBranch = branch
        if branch != nil {
            latest.cause = "Triggered via API"
            latest.category = "api"
        }
        return Job(id: id, name: name, description: description, steps: ["dbt build"], timeoutSeconds: timeout, runs: [green, latest])
    }

    // MARK: - Seeding

    /// Adds the jobs and their runs; the running shape's run starts 20 seconds before `now`.
    static func seed(into world: inout WorldState, now: Date) {
        for spec in all {
            var document = JobRecord.document(
                id: spec.id, accountID: DemoWorld.accountID, projectID: DemoWorld.analyticsProjectID,
                environmentID: DemoWorld.productionEnvironmentID, name: spec.name, description: spec.description,
                executeSteps: spec.steps, generateDocs: spec.generateDocs, scheduled: true, schedule: spec.schedule,
                threads: spec.threads, createdAt: DemoSeed.accountCreated.addingTimeInterval(30 * day))
            if spec.timeoutSeconds > 0 {
                document = document.setting("execution", .object([("timeout_seconds", .int(spec.timeoutSeconds))]))
            }
            let job = JobRecord(document: document, fixtureSet: .success, shape: spec.latest.shape.replay)
            world.insert(job: job)
            for seeded in spec.runs {
                let createdAt = seeded.shape == .running ? now.addingTimeInterval(-20) : seeded.createdAt
                var overrides = TriggerRecord.overrideKeys.map { ($0, JSONValue.null) }
                if let branch = seeded.gitBranch, seeded.category == "api",
                    let index = overrides.firstIndex(where: { $0.0 == "git_branch" })
                {
                    overrides[index].1 = .string(branch)
                }
                let trigger = TriggerRecord(
                    id: 4_000_000 + seeded.id, cause: seeded.cause, causeCategory: seeded.category, jobID: job.id,
                    createdAt: createdAt.addingTimeInterval(-0.02), overrides: overrides)
                let run = makeRun(
                    id: seeded.id, job: job, shape: seeded.shape, trigger: trigger, createdAt: createdAt, queuedSeconds: 1.5,
                    startingSeconds: 0.5, stepSeconds: nil, dbtVersion: seeded.dbtVersion, threads: seeded.threads,
                    gitBranch: seeded.gitBranch)
                world.insertInIDOrder(run: run)
            }
        }
    }

    /// A run replaying `shape`; `stepSeconds` (for triggered runs) replaces the recorded step times.
    static func makeRun(
        id: Int, job: JobRecord, shape: DemoShape, trigger: TriggerRecord, createdAt: Date, queuedSeconds: Double,
        startingSeconds: Double, stepSeconds: Double?, dbtVersion: String, threads: Int, gitBranch: String?
    ) -> RunRecord {
        let plan = shape.plan
        var cursor = 0.0
        var steps: [ScheduledStep] = []
        for planned in plan.steps {
            let length = stepSeconds ?? planned.seconds
            steps.append(
                ScheduledStep(
                    command: planned.recorded.command ?? planned.recorded.name, kind: .other, start: cursor,
                    end: cursor + length, outcome: planned.outcome, closingLogLine: planned.closingLogLine,
                    recorded: planned.recorded))
            cursor += length
        }
        var jobCommands = job.executeSteps
        if job.generateDocs { jobCommands.append(RunPlan.docsCommand) }
        let ranCommands = plan.steps.compactMap(\.recorded.command).filter { $0 != "dbt deps" }
        let skipped = plan.outcome == .success ? [] : Array(jobCommands.dropFirst(ranCommands.count))
        let cloned = shape != .gitCloneFailure
        var run = RunRecord(
            id: id, accountID: DemoWorld.accountID, projectID: job.projectID, environmentID: job.environmentID,
            jobID: job.id, createdAt: createdAt, queuedSeconds: queuedSeconds, startingSeconds: startingSeconds, steps: steps,
            skippedCommands: skipped, outcome: plan.outcome, outcomeMessage: plan.message, fixtureSet: .success,
            trigger: trigger, gitBranch: trigger.override("git_branch").stringValue ?? gitBranch ?? "main",
            gitSha: cloned ? (trigger.override("git_sha").stringValue ?? RunFactory.fakeSha(id)) : nil,
            dbtVersion: trigger.override("dbt_version_override").stringValue ?? dbtVersion,
            threads: trigger.override("threads_override").intValue ?? threads,
            targetName: trigger.override("target_name_override").stringValue ?? job.targetName, cancelledAt: nil,
            retryingRunID: nil)
        run.artifactsLost = plan.artifactsLost
        return run
    }
}

extension WorldState {
    /// Adds a run where its id sorts (the world keeps runs in ascending id order).
    mutating func insertInIDOrder(run: RunRecord) {
        guard let last = runs.last, last.id > run.id else {
            append(run: run)
            return
        }
        let position = runs.firstIndex { $0.id > run.id } ?? runs.count
        runs.insert(run, at: position)
        for index in position..<runs.count { runIndex[runs[index].id] = index }
    }
}
