import Foundation
import Sandbox
import Testing
import TestSupport

@Suite("Simulated runs")
struct RunLifecycleTests {
    private func trigger(_ client: SandboxHTTP, job: Int, body: String = #"{"cause": "test"}"#) async throws -> [String: Any] {
        let response = try await client.post("/api/v2/accounts/43/jobs/\(job)/run/", body)
        #expect(response.status == 200)
        return try #require(response.data)
    }

    // Phases long enough that a poll sees each one even when the whole suite loads both cores.
    @Test func succeedingJobGoesThroughEveryStatusToSuccess() async throws {
        try await withSandboxHTTP(SandboxConfiguration(stepSeconds: 1.0)) { client in
            let run = try await trigger(client, job: DemoWorld.succeedingJobID)
            let id = try #require(run.int("id"))
            #expect(id >= 100_000)
            #expect(run.int("status") == 1)
            #expect(run.bool("in_progress") == true)
            #expect(run.object("trigger")?.string("cause") == "test")
            var seen: [Int] = []
            var stepCounts: [Int] = []
            let final = try await client.waitForRun(id) { data in
                if let status = data.int("status"), seen.last != status { seen.append(status) }
                stepCounts.append(data.objects("run_steps").count)
                return data.bool("is_complete") == true
            }
            #expect(seen == seen.sorted(), "statuses only move forward: \(seen)")
            #expect(Set(seen).isSubset(of: [1, 2, 3, 10]))
            #expect(seen.contains(3) && seen.last == 10)
            #expect(stepCounts == stepCounts.sorted(), "steps appear one by one")
            #expect(final.string("status_humanized") == "Success")
            #expect(final.bool("is_success") == true)
            #expect(final.string("finished_at")?.hasSuffix("+00:00") == true)
            let steps = final.objects("run_steps")
            #expect(steps.map { $0.string("name") ?? "" } == [
                "Invoke dbt with `dbt source freshness`", "Invoke dbt with `dbt build`", "Invoke dbt with `dbt docs generate`",
            ])
            #expect(steps.allSatisfy { $0.int("status") == 10 })
            #expect(steps[1].string("logs")?.contains("Done. PASS=") == true)
        }
    }

    @Test func logsGrowWhileAStepRuns() async throws {
        try await withSandboxHTTP(SandboxConfiguration(stepSeconds: 4.0)) { client in
            let id = try #require(try await trigger(client, job: DemoWorld.succeedingJobID, body: #"{"cause":"x","steps_override":["dbt build"],"generate_docs_override":false}"#).int("id"))
            func runningStepLog() async throws -> String? {
                let data = try await client.get("/api/v2/accounts/43/runs/\(id)/?include_related=run_steps").data
                guard let step = data?.objects("run_steps").first, step.int("status") == 3 else { return nil }
                return step.string("logs") ?? ""
            }
            _ = try await client.waitForRun(id, seconds: 30) { $0.objects("run_steps").first?.int("status") == 3 }
            let early = try #require(try await runningStepLog(), "the step is running")
            // Read the log again until it has grown or the step has ended (the events), not after a pause.
            var later: String? = early
            while let current = later, current.count <= early.count {
                try await Task.sleep(for: .milliseconds(50))
                later = try await runningStepLog()
            }
            let final = try await client.waitForRun(id, seconds: 30) { $0.bool("is_complete") == true }
            let finished = final.objects("run_steps").first?.string("logs") ?? ""
            #expect(early.count < (later ?? finished).count, "the log of a running step grows")
            #expect((later ?? finished).count <= finished.count)
        }
    }

    @Test func failingJobEndsInErrorAtItsBuildStep() async throws {
        try await withSandboxHTTP { client in
            let id = try #require(try await trigger(client, job: DemoWorld.failingJobID).int("id"))
            let final = try await client.waitForRun(id) { $0.bool("is_complete") == true }
            #expect(final.int("status") == 20)
            #expect(final.bool("is_error") == true)
            #expect(final.bool("can_retry") == true)
            let statuses = final.objects("run_steps").map { $0.int("status") ?? 0 }
            #expect(statuses == [10, 20, 10], "the docs step still runs after the failed build")
            let build = final.objects("run_steps")[1]
            #expect(build.string("logs")?.contains("Completed with 2 errors") == true)
            let details = try await client.get("/api/v2/accounts/43/runs/\(id)/retry/").data
            #expect(details?.string("failed_step") == "dbt build")
        }
    }

    @Test func overridesAreHonoured() async throws {
        try await withSandboxHTTP { client in
            let body = #"{"cause": "overrides", "steps_override": ["dbt seed", "dbt source freshness"], "threads_override": 8, "target_name_override": "ci", "git_branch": "feature/x", "schema_override": "pr_1", "generate_docs_override": false}"#
            let run = try await trigger(client, job: DemoWorld.failingJobID, body: body)
            let id = try #require(run.int("id"))
            #expect(run.string("git_branch") == "feature/x")
            #expect(run.object("trigger")?.string("schema_override") == "pr_1")
            #expect((run.object("trigger")?["steps_override"] as? [String]) == ["dbt seed", "dbt source freshness"])
            let final = try await client.waitForRun(id) { $0.bool("is_complete") == true }
            #expect(final.int("status") == 10, "no dbt build/run/test: the failing job succeeds")
            let steps = final.objects("run_steps")
            #expect(steps.compactMap { $0.object("run_step_command")?.string("dbt_command") } == ["dbt seed", "dbt source freshness"])
            #expect(steps[1].string("logs")?.contains("Concurrency: 8 threads (target='ci')") == true)
        }
    }

    @Test func timeoutOverrideStopsTheRunInError() async throws {
        try await withSandboxHTTP(SandboxConfiguration(stepSeconds: 0.4)) { client in
            let id = try #require(try await trigger(client, job: DemoWorld.succeedingJobID, body: #"{"cause":"t","timeout_seconds_override":1}"#).int("id"))
            let final = try await client.waitForRun(id) { $0.bool("is_complete") == true }
            #expect(final.int("status") == 20)
            #expect(final.string("status_message")?.contains("timed out") == true)
        }
    }

    @Test func cancelFreezesARunningRun() async throws {
        try await withSandboxHTTP(SandboxConfiguration(stepSeconds: 2.0)) { client in
            let id = try #require(try await trigger(client, job: DemoWorld.succeedingJobID).int("id"))
            // A second run triggered with it is the clock: once it has ended, the cancelled one
            // would have ended too, had the cancel not frozen it.
            let control = try #require(try await trigger(client, job: DemoWorld.succeedingJobID).int("id"))
            _ = try await client.waitForRun(id) { $0.int("status") == 3 }
            let cancelled = try #require(try await client.post("/api/v2/accounts/43/runs/\(id)/cancel/").data)
            #expect(cancelled.int("status") == 30)
            #expect(cancelled.string("status_message") == "Cancelled by user.")
            #expect(cancelled.bool("is_cancelled") == true)
            #expect(cancelled.bool("is_complete") == true)
            let controlEnd = try await client.waitForRun(control, seconds: 120) { $0.bool("is_complete") == true }
            #expect(controlEnd.int("status") == 10, "the control run ended: \(controlEnd)")
            let later = try #require(try await client.get("/api/v2/accounts/43/runs/\(id)/?include_related=run_steps").data)
            #expect(later.int("status") == 30)
            #expect(later.string("finished_at") == cancelled.string("finished_at"))
            #expect(later.objects("run_steps").last?.int("status") == 30)
            let again = try #require(try await client.post("/api/v2/accounts/43/runs/\(id)/cancel/").data)
            #expect(again.string("finished_at") == cancelled.string("finished_at"), "cancelling a finished run changes nothing")
            let retry = try await client.post("/api/v2/accounts/43/runs/\(id)/retry/")
            #expect(retry.status == 400)
        }
    }

    @Test func cancelWhileQueuedHasNoSteps() async throws {
        try await withSandboxHTTP(SandboxConfiguration(stepSeconds: 2)) { client in
            let id = try #require(try await trigger(client, job: DemoWorld.succeedingJobID).int("id"))
            let cancelled = try #require(try await client.post("/api/v2/accounts/43/runs/\(id)/cancel/").data)
            #expect(cancelled.int("status") == 30)
            #expect(cancelled["started_at"] is NSNull)
            let finished = try await client.get("/api/v2/accounts/43/runs/\(id)/?include_related=run_steps").data
            #expect(finished?.objects("run_steps").isEmpty == true)
        }
    }

    @Test func finishedRunIsNotChangedByCancel() async throws {
        try await withSandboxHTTP { client in
            let before = try #require(try await client.get("/api/v2/accounts/43/runs/913/").data)
            let after = try #require(try await client.post("/api/v2/accounts/43/runs/913/cancel/").data)
            #expect(after.int("status") == 10)
            #expect(after.string("finished_at") == before.string("finished_at"))
        }
    }

    @Test func retryRunsTheFailedStepAgain() async throws {
        try await withSandboxHTTP { client in
            let notFailed = try await client.post("/api/v2/accounts/43/runs/913/retry/")
            #expect(notFailed.status == 400)
            #expect(notFailed.userMessage?.contains("only a run that ended in error") == true)
            let retry = try #require(try await client.post("/api/v2/accounts/43/runs/902/retry/").data)
            let id = try #require(retry.int("id"))
            #expect(retry.int("retrying_run_id") == 902)
            #expect(retry.object("trigger")?.string("cause_category") == "rerun")
            let final = try await client.waitForRun(id) { $0.bool("is_complete") == true }
            let commands = final.objects("run_steps").compactMap { $0.object("run_step_command")?.string("dbt_command") }
            #expect(commands == ["dbt build", "dbt docs generate"], "the retry starts at the failed step")
            #expect(final.int("status") == 20, "the broken model is still broken")
        }
    }

    @Test func rerunRetriesAFailedJobAndTriggersOtherwise() async throws {
        try await withSandboxHTTP { client in
            let failed = try #require(try await client.post("/api/v2/accounts/43/jobs/43167/rerun/").data)
            #expect(failed.int("retrying_run_id") == 902)
            let fresh = try #require(try await client.post("/api/v2/accounts/43/jobs/43168/rerun/").data)
            #expect(fresh["retrying_run_id"] is NSNull)
            #expect(fresh.int("status") == 1)
        }
    }

    @Test func triggerNeedsACause() async throws {
        try await withSandboxHTTP { client in
            let response = try await client.post("/api/v2/accounts/43/jobs/43167/run/", #"{"git_branch": "main"}"#)
            #expect(response.status == 400)
            #expect(response.data?.string("cause") == "required key not provided")
        }
    }
}
