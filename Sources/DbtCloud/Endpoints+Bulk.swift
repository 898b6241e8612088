import Foundation

/// What a cancel request did to one run. The API answers 200 with the run either way: a run that
/// had already ended comes back unchanged (success stays success), which dbt-cloud-cli's
/// maintainers describe too (data-mie/dbt-cloud-cli PR #45); only its status tells the two apart.
public enum CancelOutcome: Sendable, Equatable {
    case cancelled(Run)
    /// The run had ended before the request: nothing was cancelled.
    case alreadyFinished(Run)

    public var run: Run {
        switch self {
        case .cancelled(let run), .alreadyFinished(let run): run
        }
    }
}

extension DbtCloudClient {
    /// The statuses `cancel --all` acts on; a finished run cannot be cancelled.
    public static let cancellableStatuses: [RunStatus] = [.queued, .starting, .running]

    /// Parses a `--status` of `cancel --all`: queued, starting or running.
    public static func cancellableStatus(named name: String) throws -> RunStatus {
        guard let status = RunStatus(name: name), cancellableStatuses.contains(status) else {
            throw DbtCloudError(
                kind: .invalidArgument, message: "`\(name)` is not a status a run can be cancelled in; use queued, starting or running")
        }
        return status
    }

    /// The runs `cancel --all` would cancel: in `statuses` (default queued, starting, running),
    /// optionally of one job, newest first, at most `maxItems`.
    public func cancellableRuns(
        accountID: Int, jobID: Int? = nil, statuses: [RunStatus] = cancellableStatuses, maxItems: Int = 1_000
    ) -> PagedSequence<Run> {
        let wanted = statuses.filter { Self.cancellableStatuses.contains($0) }
        let filter = RunFilter(jobID: jobID, statuses: wanted.isEmpty ? Self.cancellableStatuses : wanted)
        return allRuns(accountID: accountID, filter: filter, maxItems: max(0, maxItems))
    }

    /// `POST …/runs/{id}/cancel/`, telling a cancelled run from one that had already finished.
    /// `before` is the status the caller last saw (a listing's): a run already cancelled then is
    /// reported as finished, not as cancelled again.
    public func cancel(accountID: Int, runID: Int, before: RunStatus? = nil) async throws -> CancelOutcome {
        let run = try await cancelRun(accountID: accountID, id: runID)
        if before?.isTerminal == true { return .alreadyFinished(run) }
        return run.status == .cancelled ? .cancelled(run) : .alreadyFinished(run)
    }

    /// The jobs `job delete --all` would delete: every active job (of `projectID` when given)
    /// except those in `keeping`, in id order.
    public func jobsToDelete(accountID: Int, projectID: Int? = nil, keeping: Set<Int> = []) async throws -> [Job] {
        try await listJobs(accountID: accountID, filter: JobFilter(projectID: projectID)).collect()
            .filter { !keeping.contains($0.id) }
    }
}
