import Foundation

/// Job definitions: list, create, get, update (POST), soft delete, trigger and rerun.
extension SandboxAPI {
    func listJobs(_ request: APIRequest) -> APIResponse {
        let (page, failure) = Page.parse(request)
        guard let page else { return failure ?? Envelope.badRequest("Invalid paging.") }
        let include = IncludeRelated(request.query["include_related"])
        return world.withLock { world in
            var jobs = world.jobOrder.compactMap { world.jobs[$0] }
            var filters: [(String, JSONValue)] = [("account_id", .int(DemoWorld.accountID))]
            let stateFilter = request.query["state"] ?? "active"
            switch stateFilter {
            case "all": break
            case "2", "deleted": jobs = jobs.filter { $0.state == 2 }
            default: jobs = jobs.filter { $0.state == 1 }
            }
            if request.query["state"] != nil { filters.append(("state", Listing.echo(stateFilter))) }
            for key in ["project_id", "environment_id", "pk"] {
                guard let raw = request.query[key] else { continue }
                filters.append((key, Listing.echo(raw)))
                let wanted = Int(raw)
                jobs = jobs.filter { job in
                    switch key {
                    case "project_id": job.projectID == wanted
                    case "environment_id": job.environmentID == wanted
                    default: job.id == wanted
                    }
                }
            }
            if let raw = request.query["project_id__in"] {
                let wanted = Set(Listing.parseList(raw).compactMap { Int($0) })
                filters.append(("project_id__in", Listing.echo(raw)))
                jobs = jobs.filter { wanted.contains($0.projectID) }
            }
            if let raw = request.query["name__icontains"] {
                filters.append(("name__icontains", .string(raw)))
                jobs = jobs.filter { $0.name.localizedCaseInsensitiveContains(raw) }
            }
            let orderBy = request.query["order_by"] ?? "id"
            let renderer = renderer(world)
            let documents = jobs.map(\.document)
            guard let ordered = Listing.sorted(documents, orderBy: orderBy, allowed: ["id", "pk", "name", "created_at", "updated_at"]) else {
                return Envelope.invalid([("order_by", .string("Cannot order by \(orderBy)."))])
            }
            let needsRuns = include.contains("most_recent_run") || include.contains("most_recent_completed_run")
            let runsByJob = needsRuns ? Dictionary(grouping: world.runs, by: \.jobID) : nil
            let rendered = page.slice(ordered).compactMap { document in
                document["id"]?.intValue.flatMap { world.jobs[$0] }.map {
                    renderer.job($0, include: include, runsByJob: runsByJob)
                }
            }
            return Listing.envelope(
                pageItems: rendered, totalCount: ordered.count, page: page, filters: filters, orderBy: .string(orderBy))
        }
    }

    func getJob(_ request: APIRequest, _ rawID: String) -> APIResponse {
        let include = IncludeRelated(request.query["include_related"])
        return world.withLock { world in
            guard let id = Int(rawID), let job = world.jobs[id], job.state == 1 else { return Envelope.notFoundPermissions }
            return Envelope.success(renderer(world).job(job, include: include))
        }
    }

    func createJob(_ request: APIRequest) -> APIResponse {
        guard let body = request.jsonBody(), case .object = body else {
            return Envelope.badRequest("The request body must be a JSON object.")
        }
        return world.withLock { world in
            if let problem = validateJob(body, world: world) { return problem }
            let id = world.nextJobID
            world.nextJobID += 1
            let now = WireFormat.isoTimestamp(Date())
            var document = JobRecord.document(
                id: id, accountID: DemoWorld.accountID, projectID: body["project_id"]?.intValue ?? 0,
                environmentID: body["environment_id"]?.intValue ?? 0, name: body["name"]?.stringValue ?? "",
                executeSteps: [], generateDocs: false, scheduled: false, schedule: .hourly, createdAt: Date(), jobType: "other")
            document = Self.overlay(document, with: body)
            document = document.setting("id", .int(id)).setting("created_at", .string(now)).setting("updated_at", .string(now))
                .setting("state", 1)
            world.insert(job: JobRecord(document: document, fixtureSet: .success))
            return Envelope.success(document, code: 201)
        }
    }

    func updateJob(_ request: APIRequest, _ rawID: String) -> APIResponse {
        guard let body = request.jsonBody(), case .object = body else {
            return Envelope.badRequest("The request body must be a JSON object.")
        }
        return world.withLock { world in
            guard let id = Int(rawID), let job = world.jobs[id], job.state == 1 else { return Envelope.notFoundPermissions }
            guard body["id"]?.intValue == id else {
                return Envelope.invalid([("id", "The provided id does not match.")], model: "HumanReadableJobDefinition")
            }
            if let problem = validateJob(body, world: world) { return problem }
            var document = Self.overlay(job.document, with: body)
            document = document.setting("id", .int(id)).setting("created_at", .string(job.createdAt))
                .setting("updated_at", .string(WireFormat.isoTimestamp(Date())))
            var updated = job
            updated.document = document
            world.insert(job: updated)
            return Envelope.success(document)
        }
    }

    func deleteJob(_ rawID: String) -> APIResponse {
        world.withLock { world in
            guard let id = Int(rawID), var job = world.jobs[id], job.state == 1 else { return Envelope.notFoundPermissions }
            job.document = job.document.setting("state", 2).setting("updated_at", .string(WireFormat.isoTimestamp(Date())))
            world.insert(job: job)
            return Envelope.success(job.document)
        }
    }

    private func validateJob(_ body: JSONValue, world: WorldState) -> APIResponse? {
        var problems: [(String, JSONValue)] = JobRecord.requiredKeys.compactMap { key in
            body[key] == nil ? (key, "required key not provided") : nil
        }
        if problems.isEmpty {
            if body["account_id"]?.intValue != DemoWorld.accountID {
                problems.append(("account_id", "The provided account_id does not match."))
            }
            let projectID = body["project_id"]?.intValue
            if projectID.flatMap(world.project) == nil {
                problems.append(("project_id", "Project not found."))
            }
            let environment = body["environment_id"]?.intValue.flatMap(world.environment)
            if environment == nil || environment?["project_id"]?.intValue != projectID {
                problems.append(("environment_id", "Environment not found in this project."))
            }
            if let steps = body["execute_steps"], steps.arrayValue?.allSatisfy({ $0.stringValue?.hasPrefix("dbt ") == true }) != true {
                problems.append(("execute_steps", "Each step must be a dbt command."))
            }
        }
        return problems.isEmpty ? nil : Envelope.invalid(problems, model: "HumanReadableJobDefinition")
    }

    /// The stored fields updated from a request body; read-only and derived fields stay as they were.
    private static func overlay(_ document: JSONValue, with body: JSONValue) -> JSONValue {
        guard case .object(let pairs) = body else { return document }
        let readOnly: Set = ["id", "created_at", "updated_at", "raw_dbt_version", "is_deferrable", "lifecycle_webhooks_url",
            "run_failure_count", "cron_humanized", "next_run", "next_run_humanized", "environment", "most_recent_run",
            "most_recent_completed_run", "account", "project"]
        var result = document
        for (key, value) in pairs where !readOnly.contains(key) {
            result = result.setting(key, value)
        }
        return result
    }

    // MARK: - Triggering

    func triggerRun(_ request: APIRequest, _ rawID: String) -> APIResponse {
        guard let body = request.jsonBody(), case .object = body else {
            return Envelope.badRequest("The request body must be a JSON object with at least a cause.")
        }
        guard let cause = body["cause"]?.stringValue, !cause.trimmingCharacters(in: .whitespaces).isEmpty else {
            return Envelope.invalid([("cause", "required key not provided")], model: "TriggerRunRequest")
        }
        if let steps = body["steps_override"], !steps.isNull {
            guard let list = steps.arrayValue, !list.isEmpty,
                list.allSatisfy({ $0.stringValue?.trimmingCharacters(in: .whitespaces).hasPrefix("dbt ") == true })
            else {
                return Envelope.invalid([("steps_override", "Each step must be a dbt command.")], model: "TriggerRunRequest")
            }
        }
        for key in ["threads_override", "timeout_seconds_override"] {
            if let value = body[key], !value.isNull, value.intValue == nil {
                return Envelope.invalid([(key, "A valid integer is required.")], model: "TriggerRunRequest")
            }
        }
        let overrides = TriggerRecord.overrideKeys.map { key in (key, body[key] ?? nil) }
        return world.withLock { world in
            guard let id = Int(rawID), let job = world.jobs[id], job.state == 1 else { return Envelope.notFoundPermissions }
            let run = startRun(in: &world, job: job, cause: cause, category: "api", overrides: overrides, commands: nil)
            return Envelope.success(renderer(world).run(run, include: IncludeRelated("trigger,job")))
        }
    }

    /// "Retry Failed Job": retries the job's latest run from its point of failure if it failed, else triggers a new run.
    func rerunJob(_ rawID: String) -> APIResponse {
        world.withLock { world in
            guard let id = Int(rawID), let job = world.jobs[id], job.state == 1 else { return Envelope.notFoundPermissions }
            let now = Date()
            if let latest = world.runs.last(where: { $0.jobID == id }), RunSnapshot(latest, at: now).status == .error {
                let retry = startRetry(in: &world, of: latest, job: job)
                return Envelope.success(renderer(world).run(retry, include: IncludeRelated("trigger,job")))
            }
            let run = startRun(
                in: &world, job: job, cause: "Rerun of job \(id)", category: "rerun",
                overrides: TriggerRecord.overrideKeys.map { ($0, JSONValue.null) }, commands: nil)
            return Envelope.success(renderer(world).run(run, include: IncludeRelated("trigger,job")))
        }
    }

    func startRun(
        in world: inout WorldState, job: JobRecord, cause: String, category: String, overrides: [(String, JSONValue)],
        commands: [String]?
    ) -> RunRecord {
        let now = Date()
        let runID = world.nextRunID
        world.nextRunID += 1
        let trigger = TriggerRecord(
            id: world.nextTriggerID, cause: cause, causeCategory: category, jobID: job.id, createdAt: now, overrides: overrides)
        world.nextTriggerID += 1
        let seconds = stepSeconds
        let run = RunFactory.makeRun(
            id: runID, job: job, trigger: trigger, createdAt: now, queuedSeconds: seconds, startingSeconds: seconds,
            fixtureSet: job.fixtureSet, commandsOverride: commands, duration: { _ in seconds })
        world.append(run: run)
        return run
    }

    /// A new run of the failed step and the commands it skipped (plus docs, if the run had them).
    func startRetry(in world: inout WorldState, of failed: RunRecord, job: JobRecord) -> RunRecord {
        let failedIndex = failed.steps.firstIndex { $0.outcome == .error } ?? 0
        let remaining = failed.steps[failedIndex...].map(\.command).filter { $0 != RunPlan.docsCommand } + failed.skippedCommands
        let hadDocs = failed.steps.contains { $0.command == RunPlan.docsCommand }
        var overrides = TriggerRecord.overrideKeys.map { key in (key, failed.trigger.override(key)) }
        if let index = overrides.firstIndex(where: { $0.0 == "generate_docs_override" }) { overrides[index].1 = .bool(hadDocs) }
        var run = startRun(
            in: &world, job: job, cause: "Retry of run \(failed.id)", category: "rerun", overrides: overrides,
            commands: remaining)
        run.retryingRunID = failed.id
        world.updateRun(run.id) { $0.retryingRunID = failed.id }
        return run
    }

    func jobArtifact(_ rawJobID: String, path: String) -> APIResponse {
        let now = Date()
        let found: String? = world.withLock { world in
            guard let id = Int(rawJobID), world.jobs[id] != nil else { return nil }
            for run in world.runs.reversed() where run.jobID == id {
                if let file = RunSnapshot(run, at: now).artifacts(upToStep: nil)[path] { return file }
            }
            return nil
        }
        guard let found, let data = FixtureFiles.shared.data(found) else { return Envelope.notFound }
        return APIResponse(status: 200, contentType: Self.contentType(of: path), body: data)
    }

    static func contentType(of path: String) -> String {
        if path.hasSuffix(".json") { return "application/json" }
        if path.hasSuffix(".sql") || path.hasSuffix(".log") || path.hasSuffix(".csv") { return "text/plain; charset=utf-8" }
        return "application/octet-stream"
    }
}
