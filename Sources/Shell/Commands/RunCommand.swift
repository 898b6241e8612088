import DbtCloud

struct RunCommand: ShellCommand {
    var spec: CommandSpec {
        CommandSpec("run", summary: "trigger the current job (or --job J); the new run becomes the context",
                    flags: [
                        FlagSpec("job", value: .job, valueName: "J", help: "trigger this job instead of the context's"),
                        FlagSpec("wait", short: "w", help: "wait for the run to end (exit 1 on error, 7 if cancelled)"),
                        FlagSpec("cause", value: .text, valueName: "TEXT", help: "why (default: Triggered from dbtsh)"),
                        FlagSpec("git-branch", value: .text, valueName: "B", help: "check out this branch"),
                        FlagSpec("git-sha", value: .text, valueName: "S", help: "check out this commit"),
                        FlagSpec("schema-override", value: .text, valueName: "S", help: "build into this schema"),
                        FlagSpec("threads", value: .integer, valueName: "N", help: "dbt threads"),
                        FlagSpec("target", value: .text, valueName: "T", help: "target.name"),
                        FlagSpec("dbt-version", value: .text, valueName: "V", help: "dbt version override"),
                        FlagSpec("steps", value: .text, valueName: "'dbt …'", repeatable: true, help: "replace the job's commands (repeatable)"),
                        FlagSpec("generate-docs", help: "also generate docs"),
                        FlagSpec("run-timeout", value: .integer, valueName: "SECONDS", help: "dbt Cloud's timeout for this run"),
                        FlagSpec("timeout", value: .duration, valueName: "DURATION", help: "with --wait: stop waiting after this long (exit 6)"),
                        FlagSpec("interval", value: .duration, valueName: "DURATION", help: "with --wait: poll interval"),
                    ],
                    mutates: true,
                    examples: ["run --wait", "run --steps 'dbt build -s stg_orders+' --wait", "run --job 43168 --git-branch feature/x"])
    }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let jobID = try await session.requireJob(invocation.value("job"))
        var request = TriggerRunRequest(cause: invocation.value("cause") ?? "Triggered from dbtsh")
        request.gitBranch = invocation.value("git-branch")
        request.gitSHA = invocation.value("git-sha")
        request.schemaOverride = invocation.value("schema-override")
        request.threadsOverride = try invocation.integer("threads")
        request.targetNameOverride = invocation.value("target")
        request.dbtVersionOverride = invocation.value("dbt-version")
        request.timeoutSecondsOverride = try invocation.integer("run-timeout")
        if invocation.has("generate-docs") { request.generateDocsOverride = true }
        let steps = invocation.values("steps")
        if !steps.isEmpty {
            guard steps.allSatisfy({ $0.trimmingWhitespace.hasPrefix("dbt ") }) else {
                throw CommandFailure.usage("run: each --steps value is a dbt command, e.g. --steps 'dbt build -s my_model'")
            }
            request.stepsOverride = steps
        }
        let waitOptions = try WaitOptions(invocation: invocation, session: session)
        let run = try await AmbiguousTrigger(session: session, accountID: account, jobID: jobID, cause: request.cause)
            .trigger { try await session.api().triggerRun(accountID: account, jobID: jobID, request) }
        if invocation.value("job") != nil, session.context.job?.id != jobID {
            var context = session.context
            try await ContextFollower(session: session, resolver: EntityResolver(session: session))
                .place(job: try await session.api().job(accountID: account, id: jobID), in: &context)
            session.context = context
        }
        session.updateContext { $0.run = .init(id: run.id, name: run.status?.name) }
        session.console.errorLine("triggered run \(run.id) of job \(jobID)" + (run.href.map { ": \($0)" } ?? ""))
        guard invocation.has("wait") else {
            RunSummary.print(run, invocation: invocation, session: session)
            BackgroundRunWatch.start(accountID: account, runID: run.id, session: session)
            return 0
        }
        return try await RunWaiter(session: session, options: waitOptions).wait(accountID: account, runID: run.id, invocation: invocation)
    }
}

/// In an interactive session, a run triggered without --wait is followed quietly and its end
/// is announced above the prompt.
enum BackgroundRunWatch {
    static func start(accountID: Int, runID: Int, session: Session) {
        guard session.interactive, session.notices.isConnected, let client = try? session.api() else { return }
        let interval = max(session.settings.interval, 3)
        Task.detached {
            for _ in 0..<2_000 {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                guard let run = try? await client.run(accountID: accountID, id: runID), run.isFinished else { continue }
                let next = run.status == .error ? " (next: use run \(runID); failures)" : ""
                session.notices.post("run \(runID) finished: \(run.status?.name ?? "unknown")\(next)")
                return
            }
        }
    }
}

struct WaitCommand: ShellCommand {
    var spec: CommandSpec {
        CommandSpec("wait", summary: "wait until a run ends, showing step progress on stderr",
                    discussion: "Exit status: 0 success, 1 error, 7 cancelled, 6 when --timeout elapses. Ctrl-C stops waiting and leaves the run alone.",
                    positionals: [PositionalSpec("RUN", .run, optional: true)],
                    flags: [
                        FlagSpec("timeout", value: .duration, valueName: "DURATION", help: "stop waiting after this long (exit 6)"),
                        FlagSpec("interval", value: .duration, valueName: "DURATION", help: "poll interval (default: set interval, 3s)"),
                    ],
                    examples: ["wait", "wait 902 --timeout 10m"])
    }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let waiter = RunWaiter(session: session, options: try WaitOptions(invocation: invocation, session: session))
        let runID = try await waiter.resolveRun(invocation.positional(0))
        return try await waiter.wait(accountID: account, runID: runID, invocation: invocation)
    }
}

struct CancelCommand: ShellCommand {
    var spec: CommandSpec {
        CommandSpec("cancel", summary: "cancel a run (default: the context's)",
                    positionals: [PositionalSpec("RUN", .run, optional: true)], mutates: true)
    }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let runID = try await session.requireRun(invocation.positional(0))
        let run = try await session.api().cancelRun(accountID: account, id: runID)
        if run.status != .cancelled {
            session.console.errorLine("run \(runID) had already ended: \(run.status?.name ?? "unknown")")
        }
        RunSummary.print(run, invocation: invocation, session: session)
        return 0
    }
}

struct RetryCommand: ShellCommand {
    var spec: CommandSpec {
        CommandSpec("retry", summary: "retry a failed run from the point of failure; the new run becomes the context",
                    positionals: [PositionalSpec("RUN", .run, optional: true)],
                    flags: [FlagSpec("wait", short: "w", help: "wait for the new run to end")],
                    mutates: true)
    }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let runID = try await session.requireRun(invocation.positional(0))
        let run = try await session.api().retryRun(accountID: account, id: runID)
        var context = session.context
        try await ContextFollower(session: session, resolver: EntityResolver(session: session)).place(run: run, in: &context)
        session.context = context
        session.console.errorLine("retrying run \(runID) as run \(run.id)")
        guard invocation.has("wait") else {
            RunSummary.print(run, invocation: invocation, session: session)
            return 0
        }
        let options = try WaitOptions(invocation: invocation, session: session)
        return try await RunWaiter(session: session, options: options).wait(accountID: account, runID: run.id, invocation: invocation)
    }
}

/// One run as a short table row, or its raw object in JSON.
enum RunSummary {
    static func print(_ run: Run, invocation: Invocation, session: Session) {
        if session.wantsJSON(invocation) {
            session.console.line(run.raw.prettyText)
            return
        }
        let table = Table(headers: ["ID", "JOB", "STATUS", "DURATION", "MESSAGE"], numeric: [0, 1, 3])
        var shown = table
        shown.rows = [[String(run.id), run.jobID.map(String.init) ?? "", run.status?.name ?? "",
                       TimeText.duration(run.duration), run.statusMessage ?? ""]]
        session.printTable(shown)
    }
}
