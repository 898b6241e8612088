import Foundation
import Sandbox
import Testing
@testable import DbtCloud
import TestSupport

@Suite("Bulk operations: cancel --all and job delete --all, data side")
struct BulkOperationTests {
    /// Runs take 30 s per phase here, so triggered runs stay queued for the whole test.
    static let slowRuns = SandboxConfiguration(stepSeconds: 30)

    @Test func cancellableRunsAreTheActiveOnesNewestFirst() async throws {
        try await withSandbox(Self.slowRuns) { sandbox in
            let account = sandbox.account
            let first = try await sandbox.client.triggerRun(accountID: account, jobID: DemoWorld.succeedingJobID)
            let second = try await sandbox.client.triggerRun(accountID: account, jobID: DemoWorld.failingJobID)
            let active = try await sandbox.client.cancellableRuns(accountID: account).collect()
            let runningDemo = try #require(DemoWorld.shapeJob("running")?.runID)
            #expect(active.map(\.id) == [second.id, first.id, runningDemo], "the two new runs and the demo's running build")
            let listing = try #require(sandbox.requests(method: "GET", pathContains: "/runs/").last)
            #expect(listing.path == "/api/v2/accounts/43/runs/")
            #expect(listing.queryValue("status__in") == "[1,2,3]")
            #expect(listing.queryValue("order_by") == "-id")

            let ofJob = try await sandbox.client.cancellableRuns(accountID: account, jobID: DemoWorld.succeedingJobID).collect()
            #expect(ofJob.map(\.id) == [first.id])
            #expect(sandbox.requests(pathContains: "/runs/").last?.queryValue("job_definition_id") == "43168")
            let queued = try await sandbox.client.cancellableRuns(accountID: account, statuses: [.queued]).collect()
            #expect(queued.map(\.id) == [second.id, first.id])
            #expect(sandbox.requests(pathContains: "/runs/").last?.queryValue("status") == "1")
            let running = try await sandbox.client.cancellableRuns(accountID: account, statuses: [.running]).collect()
            #expect(running.map(\.id) == [runningDemo])
        }
    }

    @Test func cancelTellsACancelledRunFromOneThatHadAlreadyFinished() async throws {
        try await withSandbox(Self.slowRuns) { sandbox in
            let account = sandbox.account
            let queued = try await sandbox.client.triggerRun(accountID: account, jobID: DemoWorld.succeedingJobID)
            let outcome = try await sandbox.client.cancel(accountID: account, runID: queued.id, before: queued.status)
            #expect(outcome == .cancelled(outcome.run))
            #expect(outcome.run.status == .cancelled)
            #expect(outcome.run.statusMessage == "Cancelled by user.")
            let cancel = try #require(sandbox.requests(method: "POST").last)
            #expect(cancel.path == "/api/v2/accounts/43/runs/\(queued.id)/cancel/")
            #expect(cancel.body == nil)

            // The API answers 200 with the run unchanged when it had already ended.
            let finished = try await sandbox.client.cancel(accountID: account, runID: 913)
            #expect(finished == .alreadyFinished(finished.run))
            #expect(finished.run.status == .success)
            #expect(sandbox.requests(method: "POST").last?.path == "/api/v2/accounts/43/runs/913/cancel/")

            let again = try await sandbox.client.cancel(accountID: account, runID: queued.id, before: .cancelled)
            #expect(again == .alreadyFinished(again.run), "a run already cancelled is not reported as cancelled twice")
            let seededCancelled = try await sandbox.client.cancel(accountID: account, runID: 912)
            #expect(seededCancelled.run.status == .cancelled)
        }
    }

    @Test func onlyQueuedStartingAndRunningCanBeAsked() throws {
        #expect(try DbtCloudClient.cancellableStatus(named: "Queued") == .queued)
        #expect(try DbtCloudClient.cancellableStatus(named: "running") == .running)
        #expect(throws: DbtCloudError.self) { try DbtCloudClient.cancellableStatus(named: "success") }
        #expect(throws: DbtCloudError.self) { try DbtCloudClient.cancellableStatus(named: "nonsense") }
    }

    @Test func deleteAllListsTheJobsToDeleteAndDeletesThem() async throws {
        try await withSandbox { sandbox in
            let account = sandbox.account
            let marketing = try await sandbox.client.jobsToDelete(
                accountID: account, projectID: DemoWorld.marketingProjectID, keeping: [50_001, 50_004])
            #expect(!marketing.isEmpty)
            #expect(marketing.allSatisfy { $0.projectID == DemoWorld.marketingProjectID })
            #expect(!marketing.contains { [50_001, 50_004].contains($0.id) })
            #expect(marketing.map(\.id) == marketing.map(\.id).sorted())
            #expect(sandbox.requests(pathContains: "/jobs/").allSatisfy { $0.queryValue("project_id") == "101" })

            for job in marketing {
                let deleted = try await sandbox.client.deleteJob(accountID: account, id: job.id)
                #expect(deleted?.state == 2)
            }
            let deletes = sandbox.requests(method: "DELETE").map(\.path)
            #expect(deletes == marketing.map { "/api/v2/accounts/43/jobs/\($0.id)/" })
            let left = try await sandbox.client.listJobs(accountID: account, filter: JobFilter(projectID: DemoWorld.marketingProjectID))
                .collect().map(\.id)
            #expect(left == [50_001, 50_004])
            let everyoneElse = try await sandbox.client.jobsToDelete(accountID: account, keeping: [])
            #expect(everyoneElse.contains { $0.id == DemoWorld.failingJobID })
        }
    }
}
