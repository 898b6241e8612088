import Foundation

/// Runs: list, get, cancel, retry, artifacts and steps.
extension SandboxAPI {
    func listRuns(_ request: APIRequest) -> APIResponse {
        let (page, failure) = Page.parse(request)
        guard let page else { return failure ?? Envelope.badRequest("Invalid paging.") }
        let include = IncludeRelated(request.query["include_related"])
        let now = Date()
        var filters: [(String, JSONValue)] = [("account_id", .int(DemoWorld.accountID))]
        var statusFilter: Set<RunStatus>?
        if let raw = request.query["status"] {
            guard let status = RunStatus(filterValue: raw) else {
                return Envelope.invalid([("status", .string("\(raw) is not a valid run status."))])
            }
            statusFilter = [status]
            filters.append(("status", .int(status.rawValue)))
        }
        if let raw = request.query["status__in"] {
            let statuses = Listing.parseList(raw).map { RunStatus(filterValue: $0) }
            guard !statuses.contains(where: { $0 == nil }) else {
                return Envelope.invalid([("status__in", .string("\(raw) holds an invalid run status."))])
            }
            statusFilter = (statusFilter ?? Set(statuses.compactMap { $0 })).intersection(statuses.compactMap { $0 })
            filters.append(("status__in", .array(statuses.compactMap { $0.map { .int($0.rawValue) } })))
        }
        let orderBy = request.query["order_by"] ?? "id"
        let descending = orderBy.hasPrefix("-")
        let field = descending ? String(orderBy.dropFirst()) : orderBy
        guard ["id", "pk", "created_at", "finished_at", "updated_at", "started_at"].contains(field) else {
            return Envelope.invalid([("order_by", .string("Cannot order by \(orderBy)."))])
        }
        return world.withLock { world in
            var runs = world.runs
            for key in ["job_definition_id", "project_id", "environment_id", "pk", "id__gt", "trigger_id"] {
                guard let raw = request.query[key] else { continue }
                guard let value = Int(raw) else { return Envelope.invalid([(key, "A valid integer is required.")]) }
                filters.append((key, .int(value)))
                runs = runs.filter { run in
                    switch key {
                    case "job_definition_id": run.jobID == value
                    case "project_id": run.projectID == value
                    case "environment_id": run.environmentID == value
                    case "pk": run.id == value
                    case "trigger_id": run.trigger.id == value
                    default: run.id > value
                    }
                }
            }
            for (key, property) in [("project_id__in", \RunRecord.projectID), ("pk__in", \RunRecord.id), ("job_definition_id__in", \RunRecord.jobID)] {
                guard let raw = request.query[key] else { continue }
                let wanted = Set(Listing.parseList(raw).compactMap { Int($0) })
                filters.append((key, Listing.echo(raw)))
                runs = runs.filter { wanted.contains($0[keyPath: property]) }
            }
            var snapshots = runs.map { RunSnapshot($0, at: now) }
            if let statusFilter { snapshots = snapshots.filter { statusFilter.contains($0.status) } }
            snapshots.sort { lhs, rhs in
                let (a, b): (Date?, Date?) =
                    switch field {
                    case "created_at": (lhs.run.createdAt, rhs.run.createdAt)
                    case "finished_at", "updated_at": (lhs.finishedAt, rhs.finishedAt)
                    case "started_at": (lhs.startedAt, rhs.startedAt)
                    default: (nil, nil)
                    }
                if field == "id" || field == "pk" || a == b { return lhs.run.id < rhs.run.id }
                guard let a else { return false }
                guard let b else { return true }
                return a < b
            }
            if descending { snapshots.reverse() }
            let renderer = renderer(world, now: now)
            let pageRuns = page.slice(snapshots).map { renderer.run($0.run, include: include) }
            return Listing.envelope(
                pageItems: pageRuns, totalCount: snapshots.count, page: page, filters: filters, orderBy: .string(orderBy))
        }
    }

    func getRun(_ request: APIRequest, _ rawID: String) -> APIResponse {
        let include = IncludeRelated(request.query["include_related"])
        return world.withLock { world in
            guard let id = Int(rawID), let run = world.run(id) else { return Envelope.notFoundPermissions }
            return Envelope.success(renderer(world).run(run, include: include))
        }
    }

    /// Cancels a queued, starting or running run; a finished run comes back unchanged.
    func cancelRun(_ rawID: String) -> APIResponse {
        world.withLock { world in
            guard let id = Int(rawID), let run = world.run(id) else { return Envelope.notFoundPermissions }
            let now = Date()
            if !RunSnapshot(run, at: now).status.isTerminal {
                world.updateRun(id) { $0.cancelledAt = now }
            }
            return Envelope.success(renderer(world, now: now).run(world.run(id)!, include: IncludeRelated(nil)))
        }
    }

    func failureDetails(_ rawID: String) -> APIResponse {
        world.withLock { world in
            guard let id = Int(rawID), let run = world.run(id) else { return Envelope.notFoundPermissions }
            let snapshot = RunSnapshot(run, at: Date())
            guard snapshot.status == .error, let failed = snapshot.steps.first(where: { $0.status == .error }) else {
                return Envelope.success(.object([("failed_step", nil), ("skipped_steps", [])]))
            }
            return Envelope.success(
                .object([
                    ("failed_step", .string(failed.scheduled.command)),
                    ("skipped_steps", .from(run.skippedCommands)),
                ]))
        }
    }

    func retryRun(_ rawID: String) -> APIResponse {
        world.withLock { world in
            guard let id = Int(rawID), let run = world.run(id), let job = world.jobs[run.jobID] else {
                return Envelope.notFoundPermissions
            }
            let status = RunSnapshot(run, at: Date()).status
            guard status == .error else {
                return Envelope.error(
                    400, "Run \(id) cannot be retried: only a run that ended in error can be retried (its status is \(status.humanized)).",
                    developerMessage: "RETRY_NOT_FAILED_RUN")
            }
            let retry = startRetry(in: &world, of: run, job: job)
            return Envelope.success(renderer(world).run(retry, include: IncludeRelated("trigger,job")))
        }
    }

    // MARK: - Artifacts and steps

    func listArtifacts(_ request: APIRequest, _ rawID: String) -> APIResponse {
        world.withLock { world in
            guard let id = Int(rawID), let run = world.run(id) else { return Envelope.notFoundPermissions }
            let snapshot = RunSnapshot(run, at: Date())
            let step = request.query["step"].flatMap { Int($0) }
            if let step, !snapshot.steps.contains(where: { $0.index == step }) { return Envelope.notFound }
            let paths = snapshot.artifacts(upToStep: step).keys.sorted()
            return Envelope.success(paths.isEmpty ? nil : .from(paths))
        }
    }

    /// The raw file, not enveloped; `?step=N` picks a step, the default is the last one.
    func artifact(_ request: APIRequest, _ rawID: String, path: String) -> APIResponse {
        let file: String? = world.withLock { world in
            guard let id = Int(rawID), let run = world.run(id) else { return nil }
            let snapshot = RunSnapshot(run, at: Date())
            let step = request.query["step"].flatMap { Int($0) }
            if let step, !snapshot.steps.contains(where: { $0.index == step }) { return nil }
            return snapshot.artifacts(upToStep: step)[path]
        }
        guard let file, let data = FixtureFiles.shared.data(file) else { return Envelope.notFound }
        return APIResponse(status: 200, contentType: Self.contentType(of: path), body: data)
    }

    func getStep(_ request: APIRequest, _ rawID: String) -> APIResponse {
        let include = IncludeRelated(request.query["include_related"])
        return world.withLock { world in
            guard let id = Int(rawID), let location = world.stepLocation(id) else { return Envelope.notFoundPermissions }
            let renderer = renderer(world)
            let snapshot = renderer.snapshot(location.run)
            guard let step = snapshot.steps.first(where: { $0.index == location.index }) else {
                return Envelope.notFoundPermissions
            }
            return Envelope.success(renderer.step(step, of: snapshot, fullDebugLogs: include.contains("debug_logs")))
        }
    }
}
