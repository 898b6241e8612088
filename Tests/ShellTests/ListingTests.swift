import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// Listings and `show` (SHELL.md §4), against the seeded demo world. Nothing here triggers runs.
@Suite("Listings and show", .sandbox())
struct ListingTests {
    @Test func jobsShowsAll141AcrossTwoPages() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("jobs")
            #expect(result.status == 0, "\(result)")
            let lines = result.stdoutLines
            #expect(result.stdout.tableHeader?.hasPrefix("ID  NAME") == true, "a header first: \(lines.first ?? "")")
            #expect(lines.count == 142, "header + 141 jobs, got \(lines.count)")
            let ids = result.stdout.firstColumn
            #expect(Set(ids).count == 141, "no job twice")
            #expect(ids.contains("43167") && ids.contains("43168") && ids.contains("50128"))
            #expect(result.stdout.contains("Nightly build"))
        }
    }

    @Test func jobsOfTheContextProjectAndAllProjects() async throws {
        try await withShell { shell, _ in
            let project = await shell.run("use project analytics; jobs --json")
            #expect(project.status == 0, "\(project)")
            let jobs = try #require(project.json?.arrayValue, "\(project)")
            #expect(!jobs.isEmpty && jobs.count < 141)
            #expect(jobs.allSatisfy { $0["project_id"]?.intValue == 100 }, "only project 100's jobs")
            let all = await shell.run("jobs --all-projects")
            #expect(all.status == 0)
            #expect(all.stdout.tableRows.count == 141, "--all-projects ignores the project: \(all.stdout.tableRows.count)")
            let other = await shell.run("jobs --project marketing --json")
            #expect(other.json?.arrayValue?.allSatisfy { $0["project_id"]?.intValue == 101 } == true)
        }
    }

    @Test func jobsJSONIsTheAPIData() async throws {
        try await withShell { shell, fixture in
            let result = await shell.run("jobs --json")
            let printed = try #require(result.json?.arrayValue, "\(result)")
            let api = try await fixture.client.listJobs(accountID: 43, filter: JobFilter(include: ["most_recent_completed_run"])).collect()
            #expect(printed.count == 141)
            #expect(printed.map { $0["id"]?.intValue ?? -1 } == api.map(\.id))
            // The raw objects of the API, not a rendering (fields that move with the clock aside).
            #expect(printed.first?.withoutClockFields == api.first?.raw.withoutClockFields)
            #expect(printed.first?.objectValue?.keys.sorted() == api.first?.raw.objectValue?.keys.sorted())
            #expect(printed.first?["execute_steps"] != nil)
        }
    }

    @Test func jobsByName() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("jobs --name NIGHTLY")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.firstColumn == ["43167"], "\(result)")
            let sync = await shell.run("jobs --name 'sync 0' --json")
            let names = sync.json?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.count == 9, "Marketing sync 01…09: \(names)")
            #expect(names.allSatisfy { $0.lowercased().contains("sync 0") })
            let none = await shell.run("jobs --name zzzz-no-such")
            #expect(none.status == 0)
            #expect(none.stdout.isEmpty, "no table for no rows: \(none)")
            #expect(none.stderr.contains("no jobs"), "\(none)")
        }
    }

    @Test func jobsNameWithURLCharactersIsSentLiterally() async throws {
        try await withShell { shell, _ in
            for text in ["sync+0", "sync%200", "&project_id=101", "sync 0#", "?x=1"] {
                let result = await shell.run("jobs --name '\(text)' --json")
                #expect(result.status == 0, "\(text): \(result)")
                #expect(result.json == .array([]), "no job name contains '\(text)': \(result.stdout.prefix(200))")
            }
            let unicode = await shell.run("jobs --name 'Nightly\u{00A0}build' --json")
            #expect(unicode.json == .array([]), "\(unicode.stdout.prefix(200))")
        }
    }

    @Test func jobsByEnvironment() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use project 100; jobs --environment Staging --json")
            #expect(result.status == 0, "\(result)")
            let jobs = try #require(result.json?.arrayValue)
            #expect(!jobs.isEmpty)
            #expect(jobs.allSatisfy { $0["environment_id"]?.intValue == 201 })
        }
    }

    @Test func runsNewestFirst() async throws {
        try await withShell { shell, _ in
            let byFlag = await shell.run("runs --job 43167")
            #expect(byFlag.status == 0, "\(byFlag)")
            #expect(byFlag.stdout.firstColumn == ["902", "901", "900"], "\(byFlag)")
            let byContext = await shell.run("use job 43167; runs")
            #expect(byContext.stdout == byFlag.stdout)
            let other = await shell.run("runs --job 'Hourly refresh'")
            #expect(other.stdout.firstColumn == ["913", "912", "911", "910"], "\(other)")
            #expect(other.stdout.contains("cancelled"))
        }
    }

    @Test func runsAcrossTheAccountAreNewestFirst() async throws {
        try await withShell { shell, fixture in
            let all = try await fixture.client.allRuns(accountID: 43).collect().map(\.id)
            let result = await shell.run("runs")
            #expect(result.status == 0)
            let ids = result.stdout.firstColumn.compactMap(Int.init)
            #expect(ids == Array(all.sorted(by: >).prefix(20)), "newest (highest id) first, 20 by default: \(result)")
            let five = await shell.run("runs --limit 5")
            #expect(five.stdout.firstColumn.compactMap(Int.init) == Array(ids.prefix(5)))
        }
    }

    @Test func runsByStatus() async throws {
        try await withShell { shell, _ in
            let errors = await shell.run("runs --job 43167 --status error")
            #expect(errors.stdout.firstColumn == ["902"], "\(errors)")
            let success = await shell.run("runs --job 43167 --status success")
            #expect(success.stdout.firstColumn == ["901", "900"], "\(success)")
            let both = await shell.run("runs --job 43168 --status cancelled --status success")
            #expect(both.stdout.firstColumn == ["913", "912", "911", "910"], "\(both)")
            let comma = await shell.run("runs --job 43168 --status cancelled,error")
            #expect(comma.stdout.firstColumn == ["912"], "\(comma)")
            let account = await shell.run("runs --all-jobs --status error --limit 100 --json")
            let statuses = account.json?.arrayValue?.compactMap { $0["status"]?.intValue } ?? []
            #expect(!statuses.isEmpty && statuses.allSatisfy { $0 == 20 }, "\(statuses)")
        }
    }

    @Test func runsBadStatus() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("runs --status broken")
            #expect(result.status == 2)
            #expect(result.stderr.contains("unknown status 'broken'"), "\(result)")
            let alias = await shell.run("runs --job 43167 --status failed")
            #expect(alias.stdout.firstColumn == ["902"], "'failed' is accepted for error: \(alias)")
            let completion = await shell.complete("runs --status ")
            #expect(completion.items.map(\.replacement) == ["queued", "starting", "running", "success", "error", "cancelled"])
        }
    }

    @Test func runsLimit() async throws {
        try await withShell { shell, _ in
            let two = await shell.run("runs --job 43168 --limit 2")
            #expect(two.stdout.firstColumn == ["913", "912"], "\(two)")
            let short = await shell.run("runs -n 1 --job 43167")
            #expect(short.stdout.firstColumn == ["902"], "\(short)")
            for bad in ["runs --limit 0", "runs --limit -3", "runs --limit lots"] {
                let result = await shell.run(bad)
                #expect(result.status == 2, "\(bad): \(result)")
            }
        }
    }

    @Test func emptyResults() async throws {
        try await withShell { shell, _ in
            let table = await shell.run("runs --job 43167 --status running")
            #expect(table.status == 0)
            #expect(table.stdout.isEmpty, "no header for no rows: \(table)")
            #expect(table.stderr == "no runs match\n", "\(table)")
            let json = await shell.run("runs --job 43167 --status running --json")
            #expect(json.json == .array([]), "JSON is still JSON: \(json)")
            #expect(json.stderr.isEmpty)
        }
    }

    @Test func runsJSONIsTheAPIData() async throws {
        try await withShell { shell, fixture in
            let result = await shell.run("runs --job 43167 --json")
            #expect(result.status == 0)
            let printed = try #require(result.json?.arrayValue, "\(result)")
            let api = try await fixture.client.runs(accountID: 43, filter: RunFilter(jobID: 43167, include: [.trigger]), limit: 20).items
            #expect(printed.map { $0["id"]?.intValue ?? -1 } == [902, 901, 900])
            #expect(JSONValue.array(printed).withoutClockFields == JSONValue.array(api.map(\.raw)).withoutClockFields, "the API's data")
        }
    }

    @Test func runsAllAndLimitOverAPage() async throws {
        // A sandbox with 250 more runs, so that listings page.
        let fixture = try await SandboxFixture.start(extraRuns: 250)
        let shell = fixture.shell()
        let total = try await fixture.client.allRuns(accountID: 43).collect().count
        #expect(total > 250)
        let all = await shell.run("runs --all")
        #expect(all.stdout.tableRows.count == total, "every page")
        let ids = all.stdout.firstColumn.compactMap(Int.init)
        #expect(ids == ids.sorted(by: >), "newest first across pages")
        #expect(Set(ids).count == ids.count, "no run twice across pages")
        let many = await shell.run("runs --limit 150")
        #expect(many.stdout.tableRows.count == 150, "more than a page: \(many.stdout.tableRows.count)")
        #expect(many.stdout.firstColumn == Array(all.stdout.firstColumn.prefix(150)))
        let json = await shell.run("runs --limit 120 --json")
        #expect(json.json?.arrayValue?.count == 120)
        await fixture.stop()
    }

    @Test func showJob() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("show job 43167")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines.first?.hasPrefix("id:") == true, "\(result)")
            #expect(result.stdoutLines.first?.hasSuffix(" 43167") == true, "\(result)")
            #expect(result.stdoutLines.dropFirst().first?.hasPrefix("name:") == true)
            #expect(result.stdout.contains("Nightly build"))
            #expect(result.stdout.contains("dbt source freshness, dbt build"), "execute_steps as a list: \(result)")
            let byContext = await shell.run("use job 43167; show job")
            #expect(byContext.stdout == result.stdout)
            let json = await shell.run("show job 43167 --json")
            #expect(json.json?["id"]?.intValue == 43167)
            #expect(json.json?["environment_id"]?.intValue == 202)
        }
    }

    @Test func showRun902() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("show run 902")
            #expect(result.status == 0, "\(result)")
            let lines = result.stdoutLines
            #expect(lines.first == "run:            902", "\(result)")
            #expect(lines.contains("job:            43167 Nightly build"), "\(result)")
            #expect(lines.contains { $0.hasPrefix("status:") && $0.contains("error") }, "\(result)")
            #expect(lines.contains { $0.hasPrefix("retry:") && $0.contains("'retry'") }, "a failed run says it can be retried: \(result)")
            let steps = lines.drop { $0 != "steps:" }.dropFirst()
            #expect(steps.count == 3, "\(result)")
            #expect(steps.dropFirst().first?.contains("2 ✗ error") == true, "\(result)")
            #expect(steps.dropFirst().first?.contains("dbt build") == true)
            #expect(result.stderr.isEmpty)
            let json = await shell.run("show run 902 --json")
            let run = try #require(json.json, "\(json)")
            #expect(run["id"]?.intValue == 902)
            #expect(run["status"]?.intValue == 20)
            #expect(run["job_definition_id"]?.intValue == 43167)
            #expect(run["job"]?["name"]?.stringValue == "Nightly build", "show run includes its job")
            #expect(shell.context.run == nil, "show does not change the context")
            let green = await shell.run("show run 901")
            #expect(!green.stdout.contains("retry:"), "only failed runs talk about retry: \(green)")
        }
    }

    @Test func showDefaultsToTheDeepestLevel() async throws {
        try await withShell { shell, _ in
            let run = await shell.run("use run 901; show --json")
            #expect(run.json?["id"]?.intValue == 901, "\(run)")
            let account = await shell.run("unuse project; show --json")
            #expect(account.json?["id"]?.intValue == 43, "\(account)")
            let project = await shell.run("show project analytics --json")
            #expect(project.json?["name"]?.stringValue == "analytics")
            let environment = await shell.run("use project 100; show environment 202 --json")
            #expect(environment.json?["name"]?.stringValue == "Production", "\(environment)")
            let none = await shell.run("show job")
            #expect(none.status == 2, "\(none)")
            let bad = await shell.run("show jbo")
            #expect(bad.status == 2)
        }
    }

    @Test func accountLevelListings() async throws {
        try await withShell { shell, _ in
            let accounts = await shell.run("accounts")
            #expect(accounts.status == 0)
            #expect(accounts.stdout.firstColumn == ["43"], "\(accounts)")
            #expect(accounts.stdout.contains("Acme Analytics"))
            let projects = await shell.run("projects")
            #expect(projects.stdout.firstColumn == ["100", "101"], "\(projects)")
            let environments = await shell.run("use project 100; environments")
            #expect(environments.stdout.firstColumn == ["200", "201", "202"], "\(environments)")
            let all = await shell.run("unuse project; envs --json")
            #expect(all.json?.arrayValue?.count == 5, "\(all)")
            for verb in ["connections", "users", "webhooks", "use project 100; repositories"] {
                let result = await shell.run(verb)
                #expect(result.status == 0, "\(verb): \(result)")
                #expect(result.stdout.isEmpty == false || result.stderr.hasPrefix("no "), "\(verb): \(result)")
                let json = await shell.run(verb + " --json")
                #expect(json.json?.arrayValue != nil, "\(verb) --json is an array: \(json)")
            }
            let noProject = await shell.run("unuse project; repositories")
            #expect(noProject.status == 2)
            #expect(noProject.stderr.contains("use project"))
        }
    }

    @Test func tablesAreAlignedWithoutColourThroughAPipe() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set color on; runs --job 43167")
            #expect(!result.stdout.contains("\u{1B}["), "no escape codes when stdout is not a terminal")
            let lines = result.stdoutLines
            let statusColumn = lines.first?.range(of: "STATUS").map { lines[0].distance(from: lines[0].startIndex, to: $0.lowerBound) }
            let column = try #require(statusColumn)
            for line in lines.dropFirst() {
                let start = line.index(line.startIndex, offsetBy: column)
                #expect(line[start...].hasPrefix("error") || line[start...].hasPrefix("success"), "aligned: \(line)")
            }
        }
    }
}
