import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// Issue 14.3 and 14.4: `job import --project --environment [--no-schedule]`, `run
/// --[no-]generate-docs`, `job diff`, `job apply`, through the interpreter. Serialized: they
/// create jobs and read the request log.
@Suite("Jobs between projects and jobs as code", .serialized, .sandbox())
struct JobsAsCodeCommandTests {
    /// Deletes the jobs a test created.
    func delete(_ ids: [Int], _ fixture: SandboxFixture) async {
        for id in ids { _ = try? await fixture.client.deleteJob(accountID: 43, id: id) }
    }

    func createdJobID(_ output: ShellOutput) -> Int? {
        Int(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("job import moves a job to another project and environment, says so, and turns the schedule off on request")
    func importIntoAnotherProject() async throws {
        try await withShell { shell, fixture in
            let file = try temporaryFile("nightly.json")
            defer { try? FileManager.default.removeItem(at: file) }
            _ = await shell.run("job export 43167 -o '\(file.path)'")
            var since = fixture.requestMark()

            let moved = await shell.run("job import '\(file.path)' --project marketing --environment Production --no-schedule")
            #expect(moved.status == 0, "\(moved)")
            let movedID = try #require(createdJobID(moved), "\(moved)")
            #expect(moved.stderrLines.prefix(3) == [
                "job import: project 100 → 101", "job import: environment 202 → 211", "job import: schedule turned off (it was 0 2 * * *)",
            ], "\(moved)")
            let create = try #require(fixture.writes(since: since).only)
            #expect(create.path == "/api/v2/accounts/43/jobs/")
            let body = try #require(create.jsonBody)
            #expect(body["project_id"] == 101)
            #expect(body["environment_id"] == 211)
            #expect(body["triggers"]?["schedule"] == false)
            #expect(body["name"] == "Nightly build")
            #expect(body["execute_steps"] == ["dbt source freshness", "dbt build"])
            #expect(body["id"] == .null, "a new job: id null, as createJob sends it")
            #expect(body["created_at"] == nil && body["most_recent_run"] == nil, "computed keys are left out")

            since = fixture.requestMark()
            let kept = await shell.run("job import '\(file.path)' --environment 211")
            #expect(kept.status == 0, "the project follows the environment: \(kept)")
            let keptID = try #require(createdJobID(kept))
            #expect(kept.stderr.contains("job import: the schedule is kept: the new job runs on its own at `0 2 * * *`; --no-schedule turns it off"), "\(kept)")
            #expect(fixture.writes(since: since).only?.jsonBody?["triggers"]?["schedule"] == true)
            #expect(fixture.writes(since: since).only?.jsonBody?["project_id"] == 101)

            since = fixture.requestMark()
            let asked = fixture.shell(interactive: true, console: CapturingConsole(input: "y\n"))
            let offered = await asked.run("job import '\(file.path)' --project 101 --environment 211")
            #expect(offered.status == 0, "\(offered)")
            let offeredID = try #require(createdJobID(offered))
            #expect(offered.stderr.contains("turn the new job's schedule off? [y/N] job import: schedule turned off"), "\(offered)")
            #expect(fixture.writes(since: since).only?.jsonBody?["triggers"]?["schedule"] == false)

            since = fixture.requestMark()
            let noEnvironment = await shell.run("job import '\(file.path)' --project marketing")
            #expect(noEnvironment.status == 2, "\(noEnvironment)")
            #expect(noEnvironment.stderr.contains("give --environment E"), "\(noEnvironment)")
            let mismatch = await shell.run("job import '\(file.path)' --project analytics --environment 211")
            #expect(mismatch.status == 2, "\(mismatch)")
            #expect(mismatch.stderr.contains("environment 211 belongs to project 101, not 100"), "\(mismatch)")
            #expect(fixture.writes(since: since).isEmpty)
            await delete([movedID, keptID, offeredID], fixture)
        }
    }

    @Test("run --generate-docs and --no-generate-docs set the override either way; neither leaves the job's setting")
    func generateDocsBothWays() async throws {
        try await withShell { shell, fixture in
            let since = fixture.requestMark()
            for (flag, expected) in [("--generate-docs", JSONValue.bool(true)), ("--no-generate-docs", .bool(false))] {
                let result = await shell.run("run --job 43168 \(flag)")
                #expect(result.status == 0, "\(flag): \(result)")
                #expect(fixture.writes(since: since).last?.path == "/api/v2/accounts/43/jobs/43168/run/")
                #expect(fixture.writes(since: since).last?.jsonBody?["generate_docs_override"] == expected, "\(flag)")
            }
            _ = await shell.run("run --job 43168")
            #expect(fixture.writes(since: since).last?.jsonBody?["generate_docs_override"] == nil)
            let both = await shell.run("run --job 43168 --generate-docs --no-generate-docs")
            #expect(both.status == 2, "\(both)")
            #expect(fixture.writes(since: since).count == 3)
        }
    }

    @Test("job diff shows each key a file would change, coloured on a terminal, as JSON too")
    func diff() async throws {
        try await withShell { shell, fixture in
            let live = try await fixture.client.job(accountID: 43, id: DemoWorld.succeedingJobID)
            let threads = try #require(live.raw["settings"]?["threads"]?.intValue)
            let docs = try #require(live.generateDocs as Bool?)
            let file = try temporaryFile("hourly.yml", contents: """
                name: Hourly refresh
                generate_docs: \(!docs)
                settings:
                  threads: \(threads + 4)
                """)
            defer { try? FileManager.default.removeItem(at: file) }
            let since = fixture.requestMark()

            let plain = await shell.run("job diff '\(file.path)' 43168")
            #expect(plain.status == 0, "\(plain)")
            #expect(plain.stdoutLines == [
                "job 43168 'Hourly refresh' ← \(file.path)",
                "  generate_docs: \(docs) → \(!docs)",
                "  settings.threads: \(threads) → \(threads + 4)",
            ])
            #expect(fixture.writes(since: since).isEmpty, "a diff changes nothing")

            var colour = Settings()
            colour.color = true
            let terminal = fixture.shell(settings: colour, console: CapturingConsole(stdoutIsTerminal: true))
            let coloured = await terminal.run("job diff '\(file.path)' 43168")
            #expect(coloured.stdout.contains("  settings.threads: \u{1B}[31m\(threads)\u{1B}[0m → \u{1B}[32m\(threads + 4)\u{1B}[0m"), "\(coloured)")

            let json = await shell.run("job diff '\(file.path)' 43168 --json")
            let comparison = try #require(json.json?[0], "\(json)")
            #expect(comparison["job_id"] == 43168)
            #expect(comparison["action"] == "update")
            #expect(comparison["changes"]?.arrayValue?.map { $0["key"] } == ["generate_docs", "settings.threads"])

            let csv = await shell.run("job diff '\(file.path)' 43168 --output csv")
            #expect(csv.status == 0, "\(csv)")
            #expect(csv.stdout.split(separator: "\r\n").map(String.init) == [
                "job_id,action,key,live,declared,source",
                "43168,update,generate_docs,\(docs),\(!docs),\(file.path)",
                "43168,update,settings.threads,\(threads),\(threads + 4),\(file.path)",
            ], "\(csv)")

            let exported = try temporaryFile("hourly.json")
            defer { try? FileManager.default.removeItem(at: exported) }
            _ = await shell.run("job export 43168 -o '\(exported.path)'")
            let same = await shell.run("use job 43168; job diff '\(exported.path)'")
            #expect(same.stdoutLines.last == "  no differences", "\(same)")
        }
    }

    @Test("job apply shows the plan, creates and updates jobs matched by identifier, and changes nothing twice")
    func apply() async throws {
        try await withShell { shell, fixture in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-apply-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            func write(threads: Int) throws {
                try """
                    jobs:
                      orders_hourly:
                        name: Orders hourly
                        project_id: 100
                        environment_id: 202
                        execute_steps: ["dbt build -s +fct_orders"]
                        settings: {threads: \(threads), target_name: prod}
                      docs_nightly:
                        name: Docs nightly
                        project_id: 100
                        environment_id: 202
                        execute_steps: ["dbt docs generate"]
                    """.write(to: folder.appendingPathComponent("jobs.yml"), atomically: true, encoding: .utf8)
            }
            try write(threads: 4)
            var since = fixture.requestMark()

            let plan = await shell.run("job apply '\(folder.path)' --dry-run")
            #expect(plan.status == 0, "\(plan)")
            #expect(plan.stdoutLines.map { $0.split(separator: " ").prefix(3).joined(separator: " ") } == [
                "create new job", "create new job",
            ], "\(plan)")
            #expect(plan.stdout.contains("'Docs nightly [[docs_nightly]]'"), "\(plan)")
            #expect(plan.stderrLines.last == "2 to create, 0 to update, 0 unchanged (dry run: nothing was sent)")
            let planJSON = await shell.run("job apply '\(folder.path)' --dry-run --json")
            #expect(planJSON.json?.arrayValue?.map { $0["action"] } == ["create", "create"], "\(planJSON)")
            #expect(planJSON.json?.arrayValue?.map { $0["identifier"] } == ["docs_nightly", "orders_hourly"])
            let script = await shell.run("job apply '\(folder.path)'")
            #expect(script.status == 2, "\(script)")
            #expect(fixture.writes(since: since).isEmpty)

            let created = await shell.run("job apply '\(folder.path)' --yes")
            #expect(created.status == 0, "\(created)")
            #expect(fixture.writes(since: since).map { "\($0.method) \($0.path)" } == Array(repeating: "POST /api/v2/accounts/43/jobs/", count: 2))
            let bodies = fixture.writes(since: since).compactMap(\.jsonBody)
            #expect(bodies.map { $0["name"] } == ["Docs nightly [[docs_nightly]]", "Orders hourly [[orders_hourly]]"])
            let orders = try #require(bodies.last)
            #expect(orders["execute_steps"] == ["dbt build -s +fct_orders"])
            #expect(orders["settings"] == ["threads": 4, "target_name": "prod"])
            #expect(orders["account_id"] == 43 && orders["project_id"] == 100 && orders["environment_id"] == 202)
            #expect(orders["triggers"]?["schedule"] == false, "a new job runs on no schedule unless the file says so")
            #expect(created.stderrLines.last == "2 applied (of 2 jobs)")
            let live = try await fixture.client.listJobs(accountID: 43).collect().filter { DeclaredJob.identifier(of: $0) != nil }
            #expect(live.count == 2)

            since = fixture.requestMark()
            let again = await shell.run("job apply '\(folder.path)' --yes")
            #expect(again.status == 0, "\(again)")
            #expect(again.stderrLines == ["nothing to change: 2 jobs are as declared"])
            #expect(fixture.writes(since: since).isEmpty)

            try write(threads: 8)
            let ordersID = try #require(live.first { $0.name?.hasPrefix("Orders hourly") == true }?.id)
            let updated = await shell.run("job apply '\(folder.path)' --yes --json")
            #expect(updated.status == 0, "\(updated)")
            #expect(updated.stderr.contains("    settings.threads: 4 → 8"), "the plan shows the change: \(updated)")
            let update = try #require(fixture.writes(since: since).only)
            #expect(update.path == "/api/v2/accounts/43/jobs/\(ordersID)/")
            #expect(update.jsonBody?["id"] == .int(ordersID))
            #expect(update.jsonBody?["settings"]?["threads"] == 8)
            #expect(update.jsonBody?["name"] == "Orders hourly [[orders_hourly]]")
            #expect(updated.json?[0]?["outcome"] == .string("updated job \(ordersID)"), "\(updated)")

            since = fixture.requestMark()
            let list = try temporaryFile("unnamed.json", contents: #"[{"name": "A", "execute_steps": ["dbt run"]}, {"name": "B"}]"#)
            defer { try? FileManager.default.removeItem(at: list) }
            let problems = await shell.run("job apply '\(list.path)' --yes")
            #expect(problems.status == 2, "\(problems)")
            #expect(problems.stderr.contains("no identifier"), "\(problems)")
            #expect(problems.stderrLines.last == "error: job apply: 2 problems in the files; nothing was changed")
            #expect(fixture.writes(since: since).isEmpty)
            await delete(live.map(\.id), fixture)
        }
    }
}
