import Foundation

// Admin API v2: jobs, runs, steps.
extension DbtCloudClient {
    // MARK: Account (v2 detail)

    /// `GET /api/v2/accounts/{a}/` (v3 has no single-account GET).
    public func account(id: Int) async throws -> Account {
        try await getObject(Account.self, Self.accountPath(id))
    }

    // MARK: Jobs

    /// Every job of the account matching `filter` (`GET /api/v2/accounts/{a}/jobs/`).
    public func listJobs(accountID: Int, filter: JobFilter = .init()) -> PagedSequence<Job> {
        list(Job.self, path: Self.accountPath(accountID, "jobs/"), query: filter.queryItems)
    }

    public func job(accountID: Int, id: Int, include: [String] = []) async throws -> Job {
        let query = include.isEmpty ? [] : [("include_related", QueryEncoding.jsonList(include))]
        return try await getObject(Job.self, Self.accountPath(accountID, "jobs/\(id)/"), query: query)
    }

    /// `POST /api/v2/accounts/{a}/jobs/` with a job definition (as `job export` writes it);
    /// `id` is sent as null and `account_id` filled in when missing.
    public func createJob(accountID: Int, definition: JSONValue) async throws -> Job {
        guard case .object(var body) = definition else {
            throw DbtCloudError(kind: .invalidArgument, message: "a job definition must be a JSON object")
        }
        body["id"] = .null
        if body["account_id"] == nil || body["account_id"] == .null { body["account_id"] = .int(accountID) }
        return try await postObject(Job.self, Self.accountPath(accountID, "jobs/"), body: .object(body))
    }

    /// `POST /api/v2/accounts/{a}/jobs/{id}/` with the FULL object including `id` (the API answers
    /// 400 otherwise). Read-only keys the server returns are kept; it ignores them.
    public func updateJob(accountID: Int, id: Int, definition: JSONValue) async throws -> Job {
        guard case .object(var body) = definition else {
            throw DbtCloudError(kind: .invalidArgument, message: "a job definition must be a JSON object")
        }
        body["id"] = .int(id)
        if body["account_id"] == nil || body["account_id"] == .null { body["account_id"] = .int(accountID) }
        return try await postObject(Job.self, Self.accountPath(accountID, "jobs/\(id)/"), body: .object(body))
    }

    /// Fetches the job, applies `changes` (top-level or dotted keys such as `settings.threads`)
    /// and posts the full object back.
    public func updateJob(accountID: Int, id: Int, changes: [String: JSONValue]) async throws -> Job {
        var definition = try await job(accountID: accountID, id: id).raw
        for (key, value) in changes {
            definition = definition.setting(path: key.split(separator: ".").map(String.init), to: value)
        }
        return try await updateJob(accountID: accountID, id: id, definition: definition)
    }

    /// `DELETE /api/v2/accounts/{a}/jobs/{id}/`: the deleted job (`state: 2`) when the API returns it,
    /// nil on a 204.
    @discardableResult
    public func deleteJob(accountID: Int, id: Int) async throws -> Job? {
        let path = Self.accountPath(accountID, "jobs/\(id)/")
        let response = try await transport.perform(request(.DELETE, path))
        guard let data = response.data, !data.isNull else { return nil }
        return try? data.decode(Job.self)
    }

    // MARK: Triggering

    /// `POST /api/v2/accounts/{a}/jobs/{job}/run/`: the new run (queued). Sent once: retried only
    /// if the connection failed before the request left, or on 429.
    public func triggerRun(accountID: Int, jobID: Int, _ trigger: TriggerRunRequest = .init()) async throws -> Run {
        try await postObject(Run.self, Self.accountPath(accountID, "jobs/\(jobID)/run/"), body: trigger.json)
    }

    /// `POST /api/v2/accounts/{a}/jobs/{job}/rerun/`: retries the job's failed run from the point
    /// of failure, or triggers a new run when it did not fail.
    public func rerunJob(accountID: Int, jobID: Int) async throws -> Run {
        try await postObject(Run.self, Self.accountPath(accountID, "jobs/\(jobID)/rerun/"))
    }

    // MARK: Runs

    /// One page of runs, newest first by default (`order_by=-id`), at most 100.
    public func runs(accountID: Int, filter: RunFilter = .init(), limit: Int = 100, offset: Int = 0) async throws
        -> ListPage<Run>
    {
        try await page(Run.self, Self.accountPath(accountID, "runs/"), query: filter.queryItems, offset: offset, limit: limit)
    }

    /// Every run matching `filter`, or the first `maxItems`.
    public func allRuns(accountID: Int, filter: RunFilter = .init(), maxItems: Int? = nil) -> PagedSequence<Run> {
        list(Run.self, path: Self.accountPath(accountID, "runs/"), query: filter.queryItems, maxItems: maxItems)
    }

    /// `GET /api/v2/accounts/{a}/runs/{id}/`, with `include_related` sent as a JSON list.
    public func run(accountID: Int, id: Int, include: [RunInclude] = []) async throws -> Run {
        let query = include.isEmpty ? [] : [("include_related", QueryEncoding.jsonList(include.map(\.rawValue)))]
        return try await getObject(Run.self, Self.accountPath(accountID, "runs/\(id)/"), query: query)
    }

    /// The newest run of a job (optionally only among `statuses`), or nil.
    public func latestRun(accountID: Int, jobID: Int, statuses: [RunStatus] = []) async throws -> Run? {
        try await runs(accountID: accountID, filter: RunFilter(jobID: jobID, statuses: statuses), limit: 1).items.first
    }

    public func cancelRun(accountID: Int, id: Int) async throws -> Run {
        try await postObject(Run.self, Self.accountPath(accountID, "runs/\(id)/cancel/"))
    }

    /// `POST …/runs/{id}/retry/`: a new run retrying the failed one from the point of failure.
    public func retryRun(accountID: Int, id: Int) async throws -> Run {
        try await postObject(Run.self, Self.accountPath(accountID, "runs/\(id)/retry/"))
    }

    /// `GET …/runs/{id}/retry/`: the failed step and the skipped ones.
    public func failureDetails(accountID: Int, runID: Int) async throws -> RunFailureDetails {
        try await getObject(RunFailureDetails.self, Self.accountPath(accountID, "runs/\(runID)/retry/"))
    }

    /// `GET /api/v2/accounts/{a}/steps/{id}/` by step id (not index).
    public func step(accountID: Int, id: Int, includeDebugLogs: Bool = false) async throws -> RunStep {
        let query = includeDebugLogs ? [("include_related", QueryEncoding.jsonList(["debug_logs"]))] : []
        return try await getObject(RunStep.self, Self.accountPath(accountID, "steps/\(id)/"), query: query)
    }

    /// Polls the run every `interval` until it ends; `onUpdate` sees each fetched state.
    /// Cancelling the task stops the wait at once.
    public func waitForRun(
        accountID: Int, id: Int, interval: Duration = .seconds(5), include: [RunInclude] = [.runSteps],
        onUpdate: @Sendable (Run) -> Void = { _ in }
    ) async throws -> Run {
        while true {
            let run = try await run(accountID: accountID, id: id, include: include)
            onUpdate(run)
            if run.isFinished { return run }
            try await Task.sleep(for: interval)
        }
    }
}

extension JSONValue {
    /// A copy with the value at a key path set, creating objects along the way.
    public func setting(path: [String], to value: JSONValue) -> JSONValue {
        guard let first = path.first else { return value }
        var object = objectValue ?? [:]
        object[first] = (object[first] ?? .object([:])).setting(path: Array(path.dropFirst()), to: value)
        return .object(object)
    }
}
