import DbtCloud
import Sandbox
import Shell
import Testing

/// What a new user tripped over in the debugging story, tried on the demo's failure shapes.
@Suite("A new user's trial: explain's next steps, unknown ids, counts", .sandbox())
struct NewUserTrialTests {
    @Test("every command explain suggests next works as typed (lineage was offered for a run without manifest.json)")
    func explainsNextCommandsWork() async throws {
        try await withShell { shell, _ in
            for job in DemoWorld.shapeJobs {
                let explained = await shell.run("explain \(job.runID) --json")
                let next = explained.json?["next_commands"]?.arrayValue?.compactMap { $0["command"]?.stringValue } ?? []
                #expect(explained.status == 0 && (!next.isEmpty || job.shape == "running"), "\(job.shape): \(explained)")
                for command in next where !command.contains("--follow") {
                    let result = await shell.run(command)
                    #expect(result.status == 0, "\(job.shape): explain suggested '\(command)', which fails: \(result)")
                }
            }
        }
    }

    @Test("a job or run id that does not exist is named in the 404, not left to a message about permissions")
    func unknownJobAndRunIDsAreNamed() async throws {
        try await withShell { shell, _ in
            for (command, message) in [
                ("use job 99999", "error: GET /api/v2/accounts/43/jobs/99999/: 404 no job with id 99999 that this token can see (see 'jobs')"),
                ("show job 99999", "error: GET /api/v2/accounts/43/jobs/99999/: 404 no job with id 99999 that this token can see (see 'jobs')"),
                ("explain 99999", "error: GET /api/v2/accounts/43/runs/99999/: 404 no run with id 99999 that this token can see (see 'runs')"),
                ("use run 99999", "error: GET /api/v2/accounts/43/runs/99999/: 404 no run with id 99999 that this token can see (see 'runs')"),
            ] {
                let result = await shell.run(command)
                #expect(result.status == 3, "\(command): \(result)")
                #expect(result.stderrLines == [message], "\(command): \(result)")
            }
        }
    }

    @Test("timeline names a streak of one run without 'the last 1 run'")
    func timelineStreakOfOne() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("timeline int_customer_order_history --job 43167")
            #expect(result.status == 0, "\(result)")
            #expect(result.stderrLines == ["int_customer_order_history failed in the newest run that ran it (run 902); it passed in run 901"], "\(result)")
        }
    }

    @Test("with a job but no run in context, failures says how to pick the job's newest run")
    func noRunWithAJobInContext() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use job 43167; failures")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines == ["error: no run in context: 'use run latest' picks job 43167's newest; or 'use run ID', or pass a run id (see 'runs')"], "\(result)")
            let picked = await shell.run("use run latest; failures")
            #expect(picked.status == 0 && picked.stdout.contains("ERROR  model int_customer_order_history"), "\(picked)")
        }
    }

    @Test("cancel --all --dry-run counts one run as one run")
    func cancelDryRunOfOneRun() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("cancel --all --dry-run --job 43210")
            #expect(result.status == 0 && result.stdout.tableRows.count == 1, "\(result)")
            #expect(result.stderrLines == ["would cancel 1 queued, starting or running run of job 43210 (dry run: nothing was sent)"], "\(result)")
        }
    }

    @Test("job diff of an exported file without a job in context says to pass the job (not '--job', which it has not)")
    func jobDiffOfAnExportWithoutContext() async throws {
        try await withShell { shell, _ in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let file = scratch.path("nightly.json")
            let exported = await shell.run("job export 43167 > \(file)")
            #expect(exported.status == 0, "\(exported)")
            let result = await shell.run("job diff \(file)")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines == ["error: job diff: \(file) names no job (no [[identifier]]); pass the job: 'job diff \(file) JOB', or 'use job ID'"], "\(result)")
            let named = await shell.run("job diff \(file) 43167")
            #expect(named.status == 0, "\(named)")
        }
    }

    @Test("job export without a job names its JOB argument, not a --job option it does not have")
    func jobExportWithoutAJob() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("job export")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines == ["error: no job in context: 'use job ID' or name the job: 'job export JOB' (see 'jobs')"], "\(result)")
        }
    }

    @Test("explain counts test failures in the plural")
    func explainPluralizesTestFailures() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("explain 963")
            #expect(result.stdout.contains("step 5 `dbt test` failed: 3 errors (2 test failures, 1 test error)"), "\(result)")
        }
    }
}
