import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// Issue 14.2: `cancel --all` and `job delete --all` through the interpreter. Runs take 30 s per
/// phase here, so triggered runs stay queued for the whole test. Serialized: they share the
/// sandbox's runs and read its request log.
@Suite("Bulk changes: cancel --all, job delete --all", .serialized, .sandbox(stepSeconds: 30))
struct BulkCommandTests {
    func trigger(_ jobID: Int, _ fixture: SandboxFixture) async throws -> Int {
        try await fixture.client.triggerRun(accountID: 43, jobID: jobID).id
    }

    /// Cancels what a test left queued, so that the next one starts from no active run.
    func cancelEverything(_ fixture: SandboxFixture) async throws {
        fixture.server.faults.clear()
        for run in try await fixture.client.cancellableRuns(accountID: 43).collect() {
            _ = try await fixture.client.cancelRun(accountID: 43, id: run.id)
        }
    }

    @Test("cancel --all lists first, refuses a script without --yes, cancels only what --job and --status select")
    func cancelAll() async throws {
        try await withShell { shell, fixture in
            try await cancelEverything(fixture)
            let hourly = try await trigger(DemoWorld.succeedingJobID, fixture)
            let nightly = try await trigger(DemoWorld.failingJobID, fixture)
            let since = fixture.requestMark()

            let dryRun = await shell.run("cancel --all --dry-run")
            #expect(dryRun.status == 0, "\(dryRun)")
            #expect(dryRun.stdout.tableHeader?.split(separator: " ") == ["ID", "JOB", "STATUS", "CREATED"], "\(dryRun)")
            #expect(dryRun.stdout.firstColumn == [String(nightly), String(hourly)], "newest first: \(dryRun)")
            #expect(dryRun.stderrLines == ["would cancel 2 queued, starting or running runs (dry run: nothing was sent)"])
            let listing = try #require(fixture.requests(since: since, method: "GET", pathContains: "/runs/").last)
            #expect(listing.path == "/api/v2/accounts/43/runs/")
            #expect(listing.queryValue("status__in") == "[1,2,3]")

            let script = await shell.run("cancel --all")
            #expect(script.status == 2, "\(script)")
            #expect(script.stderrLines == ["error: cancel --all: refusing without --yes when not on a terminal"])

            let running = await shell.run("cancel --all --status running --yes")
            #expect(running.status == 0, "\(running)")
            #expect(running.stderrLines == ["no running runs: nothing to cancel"])
            #expect(fixture.writes(since: since).isEmpty, "nothing sent so far")

            let one = await shell.run("cancel --all --job 43168 --status queued --yes")
            #expect(one.status == 0, "\(one)")
            #expect(fixture.writes(since: since).map { "\($0.method) \($0.path)" } == ["POST /api/v2/accounts/43/runs/\(hourly)/cancel/"])
            #expect(fixture.writes(since: since).first?.body == nil)
            #expect(one.stdout.tableRows.map { $0.split(separator: " ").map(String.init) } == [[String(hourly), "43168", "queued", "cancelled"]], "\(one)")
            #expect(one.stderr.contains("1 queued run of job 43168 to cancel:"), "the plan comes first: \(one)")
            #expect(one.stderrLines.last == "1 cancelled (of 1 run)")
            let still = try await fixture.client.run(accountID: 43, id: nightly)
            #expect(still.status == .queued, "the other job's run is left alone")

            for (line, hint) in [("cancel --dry-run", "--dry-run goes with --all"), ("cancel --all 902", "give no RUN"),
                                 ("cancel --all --status success", "must be one of queued, starting, running")] {
                let result = await shell.run(line)
                #expect(result.status == 2, "\(line): \(result)")
                #expect(result.stderr.contains(hint), "\(line): \(result)")
            }
            try await cancelEverything(fixture)
        }
    }

    @Test("cancel --all reports each run: a refusal for one is a partial failure (8), for all the refusal's code")
    func cancelAllPartialFailure() async throws {
        try await withShell { shell, fixture in
            try await cancelEverything(fixture)
            let first = try await trigger(DemoWorld.succeedingJobID, fixture)
            let second = try await trigger(DemoWorld.succeedingJobID, fixture)
            let refusal = #"{"status": {"code": 403, "is_success": false, "user_message": "You do not have permission"}, "data": null}"#
            fixture.server.faults.add(FaultRule(.respond(status: 403, json: refusal), method: "POST", pathContains: "/runs/\(first)/cancel/"))
            let since = fixture.requestMark()

            let partial = await shell.run("cancel --all --yes")
            #expect(partial.status == 8, "\(partial)")
            #expect(fixture.writes(since: since).map(\.path) == ["/api/v2/accounts/43/runs/\(second)/cancel/", "/api/v2/accounts/43/runs/\(first)/cancel/"])
            let rows = partial.stdout.tableRows
            #expect(rows.count == 2, "\(partial)")
            #expect(rows.first?.hasSuffix("cancelled") == true, "\(partial)")
            #expect(rows.last?.contains("failed: ") == true, "\(partial)")
            #expect(partial.stderr.contains("error: run \(first): "), "\(partial)")
            #expect(partial.stderrLines.last == "1 cancelled, 1 failed (of 2 runs)")

            let allRefused = await shell.run("cancel --all --yes --json")
            #expect(allRefused.status == 4, "the refusal's own code when nothing was done: \(allRefused)")
            let report = try #require(allRefused.json?.arrayValue, "\(allRefused)")
            #expect(report.count == 1)
            #expect(report.first?["id"] == .int(first))
            #expect(report.first?["outcome"] == "failed")
            #expect(report.first?["error"]?.stringValue?.isEmpty == false)

            fixture.server.faults.clear()
            let finished = #"{"status": {"code": 200, "is_success": true}, "data": {"id": \#(first), "job_definition_id": 43168, "status": 10, "status_humanized": "Success"}}"#
            fixture.server.faults.add(FaultRule(.respond(status: 200, json: finished), times: 1, method: "POST", pathContains: "/runs/\(first)/cancel/"))
            let already = await shell.run("cancel --all --yes --json")
            #expect(already.status == 0, "a run that had finished is not a failure: \(already)")
            #expect(already.json?[0]?["outcome"] == "already finished (success)", "\(already)")
            #expect(already.stderrLines.last == "0 cancelled, 1 already finished (of 1 run)")
            try await cancelEverything(fixture)
        }
    }

    @Test("on a terminal cancel --all asks; no sends nothing")
    func cancelAllAsks() async throws {
        try await withShell { _, fixture in
            try await cancelEverything(fixture)
            let run = try await trigger(DemoWorld.succeedingJobID, fixture)
            let since = fixture.requestMark()
            let declining = fixture.shell(interactive: true, console: CapturingConsole(input: "no\n"))
            let kept = await declining.run("cancel --all")
            #expect(kept.status == 0, "\(kept)")
            #expect(kept.stderr.contains("cancel this run? [y/N] nothing was cancelled"), "\(kept)")
            #expect(fixture.writes(since: since).isEmpty)
            let accepting = fixture.shell(interactive: true, console: CapturingConsole(input: "y\n"))
            let done = await accepting.run("cancel --all")
            #expect(done.status == 0, "\(done)")
            #expect(fixture.writes(since: since).map(\.path) == ["/api/v2/accounts/43/runs/\(run)/cancel/"])
        }
    }

    @Test("job delete --all deletes every job of the project but --keep ones, and reports each")
    func jobDeleteAll() async throws {
        try await withShell { shell, fixture in
            let marketing = try await fixture.client.listJobs(accountID: 43, filter: JobFilter(projectID: DemoWorld.marketingProjectID)).collect()
            let doomed = marketing.map(\.id).filter { ![50_001, 50_004].contains($0) }
            #expect(doomed.count > 2)
            let since = fixture.requestMark()

            let dryRun = await shell.run("use project marketing; job delete --all --keep 50001,50004 --dry-run")
            #expect(dryRun.status == 0, "\(dryRun)")
            #expect(dryRun.stdout.firstColumn == doomed.map(String.init), "\(dryRun)")
            #expect(dryRun.stderrLines.last == "would delete \(doomed.count) of the \(marketing.count) jobs of project 101 'marketing', keeping 50001, 50004 (dry run: nothing was sent)")
            #expect(fixture.requests(since: since, method: "GET", pathContains: "/jobs/").allSatisfy { $0.queryValue("project_id") == "101" })

            let typo = await shell.run("job delete --all --keep 50001 --keep 5004 --yes")
            #expect(typo.status == 2, "\(typo)")
            #expect(typo.stderrLines == ["error: job delete --all: --keep 5004 is not one of the jobs in scope; nothing was deleted"])
            let script = await shell.run("job delete --all --keep 50001")
            #expect(script.status == 2, "\(script)")
            #expect(script.stderr.contains("--yes"), "\(script)")
            #expect(fixture.writes(since: since).isEmpty)

            let gone = doomed[0], refused = doomed[1]
            let notFound = #"{"status": {"code": 404, "is_success": false, "user_message": "The requested resource was not found."}, "data": null}"#
            let forbidden = #"{"status": {"code": 403, "is_success": false, "user_message": "You do not have permission"}, "data": null}"#
            fixture.server.faults.add(FaultRule(.respond(status: 404, json: notFound), method: "DELETE", pathContains: "/jobs/\(gone)/"))
            fixture.server.faults.add(FaultRule(.respond(status: 403, json: forbidden), method: "DELETE", pathContains: "/jobs/\(refused)/"))
            defer { fixture.server.faults.clear() }
            _ = await shell.run("use job \(doomed[2])")
            let deleted = await shell.run("job delete --all --keep 50001 --keep 50004 --yes")
            #expect(deleted.status == 8, "some deleted, one refused: \(deleted)")
            #expect(fixture.writes(since: since).map { "\($0.method) \($0.path)" } == doomed.map { "DELETE /api/v2/accounts/43/jobs/\($0)/" })
            let rows = deleted.stdout.tableRows
            func row(_ id: Int) -> String? { rows.first { $0.split(separator: " ").first == Substring(String(id)) } }
            #expect(row(gone)?.hasSuffix("already deleted") == true, "\(deleted)")
            #expect(row(refused)?.contains("failed: ") == true, "\(deleted)")
            #expect(row(doomed[2])?.hasSuffix("  deleted") == true, "\(deleted)")
            #expect(rows.count == doomed.count)
            #expect(deleted.stderrLines.last == "\(doomed.count - 2) deleted, 1 already deleted, 1 failed (of \(doomed.count) jobs)")
            #expect(shell.context.job == nil, "the context's job was deleted")
            let left = try await fixture.client.listJobs(accountID: 43, filter: JobFilter(projectID: DemoWorld.marketingProjectID)).collect()
            #expect(Set(left.map(\.id)) == [50_001, 50_004, refused, gone])
        }
    }

    @Test("--dry-run looks under read-only; the changes are refused before a request")
    func readOnlyDryRuns() async throws {
        try await withShell { _, fixture in
            var settings = Settings()
            settings.fixReadonly()
            let shell = fixture.shell(settings: settings)
            let since = fixture.requestMark()
            #expect(await shell.run("cancel --all --dry-run").status == 0)
            #expect(await shell.run("job delete --all --project analytics --dry-run").status == 0)
            for line in ["cancel --all --yes", "job delete --all --project analytics --yes", "cancel 902"] {
                let result = await shell.run(line)
                #expect(result.status == 2, "\(line): \(result)")
                #expect(result.stderr.contains("read-only"), "\(line): \(result)")
            }
            #expect(fixture.writes(since: since).isEmpty)
        }
    }
}
