import Foundation

/// Which related objects a request asked for with `include_related`.
struct IncludeRelated {
    let names: Set<String>

    /// Accepts `a,b`, `["a", "b"]`, `['a']` and `[a]`.
    init(_ raw: String?) {
        guard let raw else {
            names = []
            return
        }
        let stripped = raw.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
        names = Set(
            stripped.split(separator: ",").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"'\t"))
            }.filter { !$0.isEmpty })
    }

    func contains(_ name: String) -> Bool { names.contains(name) }
}

/// Builds the wire shape of runs, steps and jobs from the world at one moment.
struct RunRenderer {
    let world: WorldState
    let now: Date
    let baseURL: String

    func snapshot(_ run: RunRecord) -> RunSnapshot { RunSnapshot(run, at: now) }

    func run(_ run: RunRecord, include: IncludeRelated) -> JSONValue {
        let snap = snapshot(run)
        let status = snap.status
        let end = snap.finishedAt ?? now
        let queuedUntil = snap.startedAt ?? snap.finishedAt ?? now
        let runDuration = snap.startedAt.map { end.timeIntervalSince($0) } ?? 0
        let artifactsSaved = status.isTerminal && !snap.artifacts(upToStep: nil).isEmpty
        let docs = snap.steps.contains { $0.scheduled.kind == .docsGenerate && $0.producedArtifacts }
        let sources = snap.steps.contains {
            $0.producedArtifacts && ($0.scheduled.kind == .sourceFreshness || $0.scheduled.recorded?.writes("sources.json") == true)
        }
        let canRetry = status == .error
        let job = world.jobs[run.jobID]
        var pairs: [(String, JSONValue)] = [
            ("id", .int(run.id)), ("trigger_id", .int(run.trigger.id)), ("account_id", .int(run.accountID)),
            ("environment_id", .int(run.environmentID)), ("project_id", .int(run.projectID)),
            ("job_definition_id", .int(run.jobID)), ("status", .int(status.rawValue)),
            ("dbt_version", .string(run.dbtVersion)), ("git_branch", .from(run.gitBranch)), ("git_sha", .from(run.gitSha)),
            ("status_message", .from(snap.statusMessage)), ("owner_thread_id", nil),
            ("executed_by_thread_id", snap.startedAt != nil ? .string("dbt-run-\(run.id)-sandbox") : nil),
            ("deferring_run_id", nil), ("artifacts_saved", .bool(artifactsSaved)),
            ("artifact_s3_path", artifactsSaved ? .string("prod/runs/\(run.id)/artifacts/target") : nil),
            ("has_docs_generated", .bool(docs)), ("has_sources_generated", .bool(sources)),
            ("notifications_sent", .bool(status.isTerminal)), ("blocked_by", []),
            ("created_at", .string(WireFormat.runTimestamp(run.createdAt))),
            ("updated_at", .string(WireFormat.runTimestamp(snap.finishedAt ?? snap.steps.last?.startedAt ?? snap.startedAt ?? snap.dequeuedAt ?? run.createdAt))),
            ("dequeued_at", WireFormat.runTimestamp(snap.dequeuedAt)),
            ("started_at", WireFormat.runTimestamp(snap.startedAt)),
            ("finished_at", WireFormat.runTimestamp(snap.finishedAt)),
            ("last_checked_at", nil), ("last_heartbeat_at", WireFormat.runTimestamp(status.isTerminal ? nil : snap.startedAt)),
            ("should_start_at", nil),
            ("trigger", include.contains("trigger") ? trigger(run.trigger) : nil),
            ("job", include.contains("job") ? (job.map(internalJob) ?? nil) : nil),
            ("environment", include.contains("environment") ? (world.environment(run.environmentID) ?? nil) : nil),
            (
                "run_steps",
                include.contains("run_steps")
                    ? .array(snap.steps.map { step($0, of: snap, fullDebugLogs: include.contains("debug_logs")) }) : []
            ),
            ("status_humanized", .string(status.humanized)), ("in_progress", .bool(!status.isTerminal)),
            ("is_complete", .bool(status.isTerminal)), ("is_success", .bool(status == .success)),
            ("is_error", .bool(status == .error)), ("is_cancelled", .bool(status == .cancelled)),
            ("href", .string("\(baseURL)/deploy/\(run.accountID)/projects/\(run.projectID)/runs/\(run.id)/")),
            ("duration", .string(WireFormat.duration(end.timeIntervalSince(run.createdAt)))),
            ("queued_duration", .string(WireFormat.duration(queuedUntil.timeIntervalSince(run.createdAt)))),
            ("run_duration", .string(WireFormat.duration(runDuration))),
            ("duration_humanized", .string(WireFormat.humanized(end.timeIntervalSince(run.createdAt)))),
            ("queued_duration_humanized", .string(WireFormat.humanized(queuedUntil.timeIntervalSince(run.createdAt)))),
            ("run_duration_humanized", .string(WireFormat.humanized(runDuration))),
            ("created_at_humanized", .string(WireFormat.humanizedAgo(now.timeIntervalSince(run.createdAt)))),
            (
                "finished_at_humanized",
                .string(snap.finishedAt.map { WireFormat.humanizedAgo(now.timeIntervalSince($0)) } ?? "0 minutes from now")
            ),
            ("retrying_run_id", .from(run.retryingRunID)), ("can_retry", .bool(canRetry)),
            ("retry_not_supported_reason", canRetry ? nil : "RETRY_NOT_FAILED_RUN"),
            ("job_id", .int(run.jobID)), ("is_running", .bool(status == .running)),
            ("used_repo_cache", false), ("scribe_enabled", true),
        ]
        if include.contains("audit") {
            pairs.append(
                ("audit", .object([("trigger", .object([("actor", .object([("id", 1), ("type", "user"), ("name", "Dana Demo")]))]))])))
        }
        return .object(pairs)
    }

    func trigger(_ trigger: TriggerRecord) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("id", .int(trigger.id)), ("cause", .string(trigger.cause)), ("job_definition_id", .int(trigger.jobID)),
        ]
        pairs += trigger.overrides
        pairs += [
            ("created_at", .string(WireFormat.runTimestamp(trigger.createdAt))),
            ("cause_humanized", .string(trigger.cause)), ("job", nil), ("cause_category", .string(trigger.causeCategory)),
        ]
        return .object(pairs)
    }

    /// The job as embedded in a run (`InternalJobDefinition`): schedule date and time are strings.
    func internalJob(_ job: JobRecord) -> JSONValue {
        guard case .object(var pairs) = job.document else { return job.document }
        pairs.removeAll { ["cron_humanized", "next_run", "next_run_humanized", "compare_changes_flags", "run_lint", "errors_on_lint_failure", "cost_optimization_features", "generate_sources"].contains($0.0) }
        for index in pairs.indices {
            switch pairs[index].0 {
            case "schedule":
                let schedule = pairs[index].1
                pairs[index].1 = .object([
                    ("cron", schedule["cron"] ?? nil), ("date", schedule["date"]?["type"] ?? nil),
                    ("time", schedule["time"]?["type"] ?? nil),
                ])
            case "created_at", "updated_at":
                if let text = pairs[index].1.stringValue { pairs[index].1 = .string(text.replacingOccurrences(of: "+00:00", with: "Z")) }
            default: break
            }
        }
        return .object(pairs)
    }

    func step(_ step: RunSnapshot.Step, of snap: RunSnapshot, fullDebugLogs: Bool) -> JSONValue {
        let run = snap.run
        let id = run.stepID(index: step.index)
        let end = step.finishedAt ?? now
        let logs = StepLogs(run: run, step: step)
        let debug = logs.debugLines()
        return .object([
            ("id", .int(id)), ("run_id", .int(run.id)), ("account_id", .int(run.accountID)), ("index", .int(step.index)),
            ("status", .int(step.status.rawValue)),
            ("name", .string(step.scheduled.recorded?.name ?? "Invoke dbt with `\(step.scheduled.command)`")),
            ("logs", .string(logs.text())),
            ("debug_logs", fullDebugLogs ? .string(debug.joined(separator: "\n")) : nil),
            ("log_path", nil), ("debug_log_path", nil),
            ("truncated_debug_logs", .string(debug.suffix(1_000).joined(separator: "\n"))),
            ("started_at", .string(WireFormat.runTimestamp(step.startedAt))),
            ("finished_at", WireFormat.runTimestamp(step.finishedAt)),
            ("status_color", .string(step.status.color)), ("status_humanized", .string(step.status.humanized)),
            ("duration", .string(WireFormat.duration(end.timeIntervalSince(step.startedAt)))),
            ("duration_humanized", .string(WireFormat.humanized(end.timeIntervalSince(step.startedAt)))),
            ("created_at", .string(WireFormat.runTimestamp(step.startedAt))),
            ("updated_at", .string(WireFormat.runTimestamp(step.finishedAt ?? now))),
            (
                "run_step_command",
                step.scheduled.recorded != nil && step.scheduled.recorded?.command == nil
                    ? nil : .object([("run_step_id", .int(id)), ("dbt_command", .string(step.scheduled.command))])
            ),
            ("run_step_invocation", .object([("run_step_id", .int(id)), ("run_id", .int(run.id))])),
        ])
    }

    // MARK: - Jobs

    /// `runsByJob` (runs grouped by job, in id order) saves a scan of every run per job in listings.
    func job(_ job: JobRecord, include: IncludeRelated, runsByJob: [Int: [RunRecord]]? = nil) -> JSONValue {
        var document = job.document
        if include.contains("environment") {
            document = document.setting("environment", world.environment(job.environmentID) ?? nil)
        }
        if include.contains("most_recent_run") || include.contains("most_recent_completed_run") {
            let runs = (runsByJob?[job.id] ?? world.runs.filter { $0.jobID == job.id }).sorted { $0.createdAt < $1.createdAt }
            if include.contains("most_recent_run") {
                document = document.setting("most_recent_run", runs.last.map { run($0, include: IncludeRelated(nil)) } ?? nil)
            }
            if include.contains("most_recent_completed_run") {
                let completed = runs.last { snapshot($0).status.isTerminal }
                document = document.setting(
                    "most_recent_completed_run", completed.map { run($0, include: IncludeRelated(nil)) } ?? nil)
            }
        }
        return document
    }
}

/// The console and debug log of a step, as far as the step has got.
struct StepLogs {
    let run: RunRecord
    let step: RunSnapshot.Step

    func text() -> String {
        var lines = fullLines()
        if step.progress < 1 {
            lines = Array(lines.prefix(visibleCount(of: lines.count)))
        }
        if step.status == .cancelled { lines.append("Cancelled by user.") }
        if step.status.isTerminal, let closing = step.scheduled.closingLogLine { lines.append(closing) }
        return lines.joined(separator: "\n")
    }

    /// How many of a step's `total` log lines it has written so far.
    private func visibleCount(of total: Int) -> Int {
        let linear = max(1, Int((Double(total) * step.progress).rounded(.down)))
        guard let recorded = step.scheduled.recorded else { return linear }
        return recorded.reveal.visibleLines(of: total, elapsed: step.progress * (step.scheduled.end - step.scheduled.start), linear: linear)
    }

    func debugLines() -> [String] {
        if let recorded = step.scheduled.recorded {
            let lines = recorded.debugLog.map { FixtureFiles.shared.lines($0) } ?? fullLines()
            guard step.progress < 1 else { return lines }
            let shown = fullLines().count
            let fraction = shown == 0 ? 0 : Double(visibleCount(of: shown)) / Double(shown)
            return Array(lines.prefix(max(1, Int(Double(lines.count) * fraction))))
        }
        guard let fixture = step.scheduled.kind.fixtureStep else { return fullLines() }
        let lines = FixtureFiles.shared.debugLogLines(run.fixtureSet, invocation: fixture.invocation)
        return step.progress < 1 ? Array(lines.prefix(max(1, Int(Double(lines.count) * step.progress)))) : lines
    }

    private func fullLines() -> [String] {
        if let recorded = step.scheduled.recorded { return recorded.lines(for: run) }
        guard let fixture = step.scheduled.kind.fixtureStep else {
            let clock = WireFormat.runTimestamp(step.startedAt).dropFirst(11).prefix(8)
            return [
                "\(clock)  Running with dbt=1.11.16", "\(clock)  Registered adapter: duckdb=1.11.1",
                "\(clock)  Invoking `\(step.scheduled.command)`", "\(clock)  Done.",
            ]
        }
        let original = "Concurrency: 4 threads (target='prod')"
        let replacement = "Concurrency: \(run.threads) threads (target='\(run.targetName)')"
        return FixtureFiles.shared.lines("\(run.fixtureSet.rawValue)/\(fixture.folder)/stdout.log").map {
            $0.hasSuffix(original) ? $0.replacingOccurrences(of: original, with: replacement) : $0
        }
    }
}
