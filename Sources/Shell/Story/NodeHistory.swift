import DbtArtifacts
import DbtCloud
import Foundation

/// A node across a job's runs: the job's runs (one listing), each run's run_results.json of
/// the step that ran dbt (fetched once, kept on disk), and where the node last passed.
struct NodeHistory {
    let session: Session

    /// At most this many runs are looked at (one page of the listing).
    static let maximumRuns = 100

    /// The job's runs, newest first (one request).
    func runs(ofJob jobID: Int, limit: Int = maximumRuns) async throws -> [Run] {
        let page = try await session.api().runs(
            accountID: try session.requireAccount(), filter: RunFilter(jobID: jobID), limit: min(max(1, limit), Self.maximumRuns))
        return page.items.sorted { $0.id > $1.id }
    }

    /// The run_results.json of the step that ran dbt; nil when the run has none (it failed
    /// before dbt ran a node, it is still running, its artifacts were not saved).
    func results(of run: Run) async throws -> RunResults? {
        guard run.isFinished else { return nil }
        do {
            return try await ArtifactStore(session: session).runResults(runID: run.id, step: nil)
        } catch where MissingArtifact.isMissing(error) {
            return nil
        }
    }

    func outcome(of uniqueID: String, in run: Run) async throws -> NodeOutcome {
        NodeOutcome(try await results(of: run)?.result(for: uniqueID)?.status)
    }

    /// The newest run before `runID` where the node passed, with its run_results: the job's last
    /// successful run when the node passed there (the usual case, one fetch), else a binary
    /// search over the failing streak.
    func lastPass(of uniqueID: String, before runID: Int, jobID: Int) async throws -> (run: Run, results: RunResults)? {
        let earlier = try await runs(ofJob: jobID).filter { $0.id < runID && $0.isFinished }
        if let success = earlier.first(where: { $0.status == .success }), let results = try await results(of: success),
           NodeOutcome(results.result(for: uniqueID)?.status) == .passed {
            return (success, results)
        }
        let bisection = try await Bisect.search(runs: Array(earlier.reversed()), newestKnownToFail: false) { run in
            try await outcome(of: uniqueID, in: run)
        }
        guard let pass = bisection.lastPass, let results = try await results(of: pass) else { return nil }
        return (pass, results)
    }
}
