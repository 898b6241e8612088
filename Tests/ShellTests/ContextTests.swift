import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// `use`, `unuse`, `context` (SHELL.md §3).
@Suite("Context", .sandbox())
struct ContextTests {
    @Test func useAccountByIDNameAndPrefix() async throws {
        try await withShell(account: false) { shell, _ in
            for text in ["43", "'Acme Analytics'", "acme", "'Acme Ana'", "Acme Ana"] {
                let result = await shell.run("unuse account; use account \(text); context")
                #expect(result.status == 0, "use account \(text): \(result)")
                #expect(result.stdoutLines == ["account: 43 (Acme Analytics)"], "use account \(text): \(result)")
            }
        }
    }

    @Test func useProjectByIDNameAndPrefix() async throws {
        try await withShell { shell, _ in
            for (text, id, name) in [("100", 100, "analytics"), ("analytics", 100, "analytics"), ("MARK", 101, "marketing"),
                                     ("an", 100, "analytics")] {
                let result = await shell.run("use project \(text)")
                #expect(result.status == 0, "use project \(text): \(result)")
                #expect(shell.context.project == .init(id: id, name: name), "use project \(text)")
            }
        }
    }

    @Test func useEnvironmentWithinTheProject() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use project analytics; use environment prod; context")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["account: 43 (Acme Analytics)", "project: 100 (analytics)", "environment: 202 (Production)"],
                    "\(result)")
            #expect(shell.session.prompt == "dbt acme/analytics:prod > ")
            let staging = await shell.run("use env Staging")
            #expect(staging.status == 0)
            #expect(shell.context.environment?.id == 201)
        }
    }

    @Test func environmentOfAnotherProjectMovesTheProject() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use environment 211")
            #expect(result.status == 0, "\(result)")
            #expect(shell.context.project?.id == 101, "environment 211 belongs to project 101")
            #expect(shell.context.environment?.id == 211)
        }
    }

    @Test func useUnquotedNameOfSeveralWords() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use job Nightly build")
            #expect(result.status == 0, "\(result)")
            #expect(shell.context.job?.id == 43167)
        }
    }

    @Test func ambiguousNameListsCandidates() async throws {
        try await withShell { shell, _ in
            // Two projects each have an environment named Development (200 and 210).
            let result = await shell.run("use environment Development")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains("200 Development"), "\(result)")
            #expect(result.stderr.contains("210 Development"), "\(result)")
            #expect(result.stderr.contains("use the id"), "\(result)")
            #expect(shell.context.environment == nil)

            let jobs = await shell.run("use job 'Marketing sync'")
            #expect(jobs.status == 2, "\(jobs)")
            #expect(jobs.stderr.contains("matches"), "\(jobs)")
            #expect(jobs.stderr.contains("…"), "many candidates are cut short: \(jobs)")
            #expect(shell.context.job == nil)
        }
    }

    @Test func unknownNameOrIDIsRefusedAndContextUnchanged() async throws {
        try await withShell { shell, _ in
            _ = await shell.run("use job 43167; use run 901")
            let before = shell.context
            #expect(before.run?.id == 901)
            for line in ["use project nosuch", "use project 999", "use environment 999", "use job 'No such job'",
                         "use account 44", "use account nosuch"] {
                let result = await shell.run(line)
                #expect(result.status == 3, "\(line): \(result)")
                #expect(result.stderrLines.count == 1, "\(line): \(result)")
                #expect(shell.context == before, "\(line) must leave the context alone")
            }
            let close = await shell.run("use job Nightly-build")
            #expect(close.stderr.contains("did you mean 'Nightly build'?"), "\(close)")
        }
    }

    @Test func unknownJobOrRunIDIsAnAPIRefusal() async throws {
        try await withShell { shell, _ in
            _ = await shell.run("use job 43168")
            let before = shell.context
            for line in ["use job 999999", "use run 999999", "show job 999999"] {
                let result = await shell.run(line)
                #expect(result.status == 3, "\(line): SHELL.md §5 says 3 for a 404: \(result)")
                #expect(result.stderrLines.count == 1, "\(line): \(result)")
                #expect(result.stderr.contains("404"), "\(line): the error names the status: \(result)")
                #expect(shell.context == before, "\(line) must leave the context alone")
            }
        }
    }

    @Test func badLevelOrRunWord() async throws {
        try await withShell { shell, _ in
            let level = await shell.run("use jbo 43167")
            #expect(level.status == 2)
            #expect(level.stderr.contains("did you mean job?"), "\(level)")
            let run = await shell.run("use job 43167; use run banana")
            #expect(run.status == 2, "\(run)")
            #expect(run.stderr.contains("latest"), "\(run)")
        }
    }

    @Test func settingAJobSetsItsProjectAndEnvironment() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use job 43167; context")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == [
                "account: 43 (Acme Analytics)", "project: 100 (analytics)", "environment: 202 (Production)",
                "job: 43167 (Nightly build)",
            ], "\(result)")
            #expect(shell.session.prompt == "dbt acme/analytics:prod job 43167 > ")
        }
    }

    @Test func useJobByExactNameAndUniquePrefix() async throws {
        try await withShell { shell, _ in
            for (text, id) in [("'Nightly build'", 43167), ("'nightly BUILD'", 43167), ("Nightly", 43167), ("hourly", 43168)] {
                let result = await shell.run("use job \(text)")
                #expect(result.status == 0, "use job \(text): \(result)")
                #expect(shell.context.job?.id == id, "use job \(text)")
            }
        }
    }

    @Test func jobInTheOtherProjectMovesProjectAndEnvironment() async throws {
        try await withShell { shell, fixture in
            let other = try await fixture.client.listJobs(accountID: 43, filter: JobFilter(projectID: 101)).collect()
            let job = try #require(other.first)
            let result = await shell.run("use job 43167; use job \(job.id)")
            #expect(result.status == 0, "\(result)")
            #expect(shell.context.project?.id == 101)
            #expect(shell.context.project?.name == "marketing")
            #expect(shell.context.environment?.id == job.environmentID)
            #expect(shell.context.job == .init(id: job.id, name: job.name))
        }
    }

    @Test func settingARunSetsItsJob() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use run 902; context")
            #expect(result.status == 0, "\(result)")
            #expect(shell.context.job?.id == 43167)
            #expect(shell.context.project?.id == 100)
            #expect(shell.context.environment?.id == 202)
            #expect(shell.context.run?.id == 902)
            #expect(result.stdoutLines.last == "run: 902 (error)", "\(result)")
            #expect(shell.session.prompt == "dbt acme/analytics:prod job 43167 run 902 > ")
        }
    }

    @Test func useRunLatestAndLastFailed() async throws {
        try await withShell { shell, _ in
            #expect(await shell.run("use job 43167; use run latest").status == 0)
            #expect(shell.context.run?.id == 902)
            #expect(await shell.run("use run last-failed").status == 0)
            #expect(shell.context.run?.id == 902)
            #expect(await shell.run("use job 43168; use run latest").status == 0)
            #expect(shell.context.run?.id == 913)
            let noFailure = await shell.run("use run last-failed")
            #expect(noFailure.status == 3, "job 43168 never failed: \(noFailure)")
            #expect(noFailure.stderr.contains("43168"), "\(noFailure)")
            #expect(shell.context.run?.id == 913, "a failed use leaves the run alone")
        }
    }

    @Test func useRunLatestNeedsAJob() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use run latest")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("use job"), "says what to do: \(result)")
        }
    }

    @Test func unuseClearsALevelAndThoseBelow() async throws {
        try await withShell { shell, _ in
            _ = await shell.run("use run 902")
            #expect(await shell.run("unuse").status == 0)
            #expect(shell.context.run == nil)
            #expect(shell.context.job?.id == 43167)
            _ = await shell.run("use run 902; unuse job")
            #expect(shell.context.job == nil && shell.context.run == nil)
            #expect(shell.context.environment?.id == 202)
            _ = await shell.run("use run 902; unuse project")
            #expect(shell.context.project == nil && shell.context.environment == nil && shell.context.job == nil)
            #expect(shell.context.account?.id == 43)
            _ = await shell.run("unuse account")
            #expect(shell.context == ShellContext())
            let bad = await shell.run("unuse everything")
            #expect(bad.status == 2)
        }
    }

    @Test func aHigherLevelClearsTheLevelsBelow() async throws {
        try await withShell { shell, _ in
            _ = await shell.run("use run 902")
            #expect(await shell.run("use environment Staging").status == 0)
            #expect(shell.context.environment?.id == 201)
            #expect(shell.context.job == nil && shell.context.run == nil, "a job of another environment must not stay")
            _ = await shell.run("use run 902")
            #expect(await shell.run("use project marketing").status == 0)
            #expect(shell.context.project?.id == 101)
            #expect(shell.context.environment == nil && shell.context.job == nil && shell.context.run == nil)
            _ = await shell.run("use run 902")
            #expect(await shell.run("use account 43").status == 0)
            #expect(shell.context.project == nil && shell.context.run == nil)
        }
    }

    @Test func runsFollowTheContext() async throws {
        try await withShell { shell, _ in
            let project = await shell.run("use project marketing; runs --json")
            let runs = try #require(project.json?.arrayValue, "\(project)")
            #expect(!runs.isEmpty)
            #expect(runs.allSatisfy { $0["project_id"]?.intValue == 101 }, "the project's runs only")
            let job = await shell.run("use job 43168; runs --all-jobs --json")
            #expect(job.json?.arrayValue?.contains { $0["job_definition_id"]?.intValue != 43168 } == true, "--all-jobs ignores the job")
        }
    }

    @Test func contextAsJSON() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use run 902; context --json")
            #expect(result.status == 0)
            let json = try #require(result.json, "\(result)")
            #expect(json["account"] == .object(["id": .int(43), "name": .string("Acme Analytics")]))
            #expect(json["project"]?["id"]?.intValue == 100)
            #expect(json["environment"]?["name"]?.stringValue == "Production")
            #expect(json["job"] == .object(["id": .int(43167), "name": .string("Nightly build")]))
            #expect(json["run"]?["id"]?.intValue == 902)
            let viaOutput = await shell.run("context --output json")
            #expect(viaOutput.json == json)
        }
    }

    @Test func emptyContext() async throws {
        try await withShell(account: false) { shell, _ in
            let result = await shell.run("context")
            #expect(result.status == 0)
            #expect(result.stdout.isEmpty, "stdout carries data only: \(result)")
            #expect(result.stderr.contains("use account"), "\(result)")
            let json = await shell.run("context --json")
            #expect(json.json == .object([:]), "\(json)")
        }
    }

    @Test func nothingInContextSaysWhatToDo() async throws {
        try await withShell(account: false) { shell, _ in
            for line in ["runs", "jobs", "projects", "use project 100", "use job 43167", "show job 43167"] {
                let result = await shell.run(line)
                #expect(result.status == 2, "\(line): \(result)")
                #expect(result.stderrLines.count == 1, "\(line): \(result)")
                #expect(result.stderr.contains("use account"), "\(line): \(result)")
                #expect(result.stdout.isEmpty)
            }
            let withAccount = await shell.run("use account 43")
            #expect(withAccount.status == 0)
            for line in ["wait", "cancel", "retry", "show run"] {
                let result = await shell.run(line)
                #expect(result.status == 2, "\(line): \(result)")
                #expect(result.stderr.contains("use run") || result.stderr.contains("use job"), "\(line): \(result)")
            }
            let run = await shell.run("run")
            #expect(run.status == 2, "\(run)")
            #expect(run.stderr.contains("use job"), "\(run)")
        }
    }

    @Test func noClientSaysHowToGetOne() async throws {
        let console = CapturingConsole()
        var context = ShellContext()
        context.account = .init(id: 43)
        let session = Session(console: Console(console), interactive: false, context: context, services: Services())
        let driver = ShellDriver(interpreter: Interpreter(session: session))
        _ = driver.accept("jobs")
        let decision = await driver.run("jobs")
        #expect(decision == .stop(2))
        #expect(console.stderr.contains("DBT_CLOUD_API_TOKEN"), "\(console.stderr)")
        #expect(console.stderr.contains("--demo"), "\(console.stderr)")
    }
}
