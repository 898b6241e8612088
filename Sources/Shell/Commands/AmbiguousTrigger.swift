import DbtCloud
import Foundation

/// A trigger POST that failed after it may have reached dbt Cloud (a reset after sending, a 5xx,
/// a timeout) is never sent again: the job's newest runs since the request, with the same cause,
/// tell whether it went through. The error line then says `the trigger may have gone through:
/// run N` (which becomes the context's run) or `no run was created`.
struct AmbiguousTrigger {
    let session: Session
    let accountID: Int
    let jobID: Int
    let cause: String

    /// How far the server's clock may lag ours when comparing `created_at` with the request.
    static let clockSkew: TimeInterval = 120
    /// The look-up is bounded: dbt Cloud may be the thing that is failing.
    static let lookupSeconds = 15.0

    func trigger(_ post: () async throws -> Run) async throws -> Run {
        let sentAt = Date()
        do {
            return try await post()
        } catch let error as DbtCloudError where error.mayHaveBeenProcessed {
            throw await failure(error, sentAt: sentAt)
        }
    }

    private func failure(_ error: DbtCloudError, sentAt: Date) async -> CommandFailure {
        let code = ErrorReport.failure(for: error).exitCode
        let found: Run?
        do {
            found = try await lookUp(since: sentAt)
        } catch _ {
            return CommandFailure(
                "\(error.description); the trigger may have gone through: see 'runs --job \(jobID)' before running it again",
                exitCode: code)
        }
        guard let run = found else {
            return CommandFailure("\(error.description); no run was created", exitCode: code)
        }
        session.updateContext { $0.run = .init(id: run.id, name: run.status?.name) }
        return CommandFailure(
            "\(error.description); the trigger may have gone through: run \(run.id) (now the context's run; 'wait' follows it)",
            exitCode: code)
    }

    /// The newest run of the job created since the request with the request's cause, looked at
    /// twice a second apart (a run may show up a moment after the answer failed).
    private func lookUp(since sentAt: Date) async throws -> Run? {
        let client = try session.api()
        let (accountID, jobID) = (self.accountID, self.jobID)
        // The cause the POST carried (an empty one is sent as the default).
        let cause = TriggerRunRequest(cause: self.cause).json["cause"]?.stringValue
        let earliest = sentAt.addingTimeInterval(-Self.clockSkew)
        return try await Deadline.run(within: Self.lookupSeconds) {
            for attempt in 0..<2 {
                if attempt > 0 { try await Task.sleep(for: .seconds(1)) }
                let page = try await client.runs(
                    accountID: accountID, filter: RunFilter(jobID: jobID, include: [.trigger]), limit: 10)
                let match = page.items.first { run in
                    (run.createdAt.map { $0 >= earliest } ?? false) && run.trigger?.cause == cause
                }
                if let match { return match }
            }
            return nil
        }
    }
}
