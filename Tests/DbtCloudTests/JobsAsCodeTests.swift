import Foundation
import Sandbox
import Testing
@testable import DbtCloud
import TestSupport

@Suite("Jobs as code: YAML and JSON definitions, job diff, job apply plans, job import to another project")
struct JobsAsCodeTests {
    /// A dbt-jobs-as-code file: anchors, `<<` merge keys, an identifier per job, an env var override.
    static let jobsYAML = """
        # jobs.yml, as dbt-jobs-as-code reads it
        anchors:
          prod: &prod
            account_id: 43
            project_id: 100
            environment_id: 202
          settings: &settings
            threads: 8
            target_name: prod

        jobs:
          nightly_refresh:
            <<: *prod
            name: "Nightly refresh"
            settings: *settings
            execution:
              timeout_seconds: 3600
            deferring_job_definition_id: null
            run_generate_sources: false
            execute_steps:
              - "dbt build --select state:modified+"
            generate_docs: true
            schedule:
              cron: "0 3 * * *"
            triggers:
              github_webhook: false
              git_provider_webhook: false
              schedule: true
            job_type: scheduled
            custom_environment_variables:
              - DBT_ENV1: My val
          hourly:
            <<: *prod
            name: Hourly refresh
            settings:
              threads: 4
              target_name: prod
            execute_steps: ["dbt source freshness", "dbt build"]
            generate_docs: true
            run_generate_sources: false
            triggers: {github_webhook: false, schedule: true}
            schedule: {cron: "0 * * * *"}
        """

    // MARK: - Reading

    @Test func yamlWithAnchorsAndMergeKeysReadsAsTypedJSON() throws {
        let document = try DefinitionText.parse(Data(Self.jobsYAML.utf8), name: "jobs.yml")
        let nightly = try #require(document["jobs"]?["nightly_refresh"])
        #expect(nightly["project_id"] == 100, "merged from the anchor, as an integer")
        #expect(nightly["settings"] == ["threads": 8, "target_name": "prod"])
        #expect(nightly["generate_docs"] == true)
        #expect(nightly["deferring_job_definition_id"] == .null)
        #expect(nightly["schedule"]?["cron"] == "0 3 * * *")
        #expect(nightly["execute_steps"] == ["dbt build --select state:modified+"])

        let json = try DefinitionText.parse(Data(#"  {"name": "x", "settings": {"threads": 2}}"#.utf8), name: "x.json")
        #expect(json == ["name": "x", "settings": ["threads": 2]])
        let dates = try DefinitionText.parse(Data("created: 2026-11-28\nversion: 1.10\n".utf8), name: "d.yml")
        #expect(dates["created"] == "2026-11-28", "dates stay text")
        #expect(dates["version"] == 1.1)
    }

    @Test func badDefinitionFilesFailWithOneLineThatSaysWhere() throws {
        #expect {
            try DefinitionText.parse(Data("jobs:\n  a: [1, 2\n".utf8), name: "broken.yml")
        } throws: { error in
            let text = (error as? DbtCloudError)?.description ?? ""
            return text.contains("broken.yml") && text.contains("line ") && !text.contains("\n")
        }
        #expect(throws: DbtCloudError.self) { try DefinitionText.parse(Data("{\"a\": ".utf8), name: "cut.json") }
        #expect(throws: DbtCloudError.self) { try DefinitionText.parse(Data([0xFF, 0xFE, 0x00]), name: "binary") }
        // "Billion laughs": nine levels of nine aliases expand to 9^9 values.
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            let previous = level == 1 ? "a" : "l\(level - 1)"
            bomb += "l\(level): &l\(level) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        #expect {
            try DefinitionText.parse(Data(bomb.utf8), name: "bomb.yml")
        } throws: { ($0 as? DbtCloudError)?.description.contains("more than") == true }
    }

    @Test func declarationsOfADbtJobsAsCodeFile() throws {
        let declared = try DeclaredJobs.read(DefinitionText.parse(Data(Self.jobsYAML.utf8), name: "jobs.yml"), source: "jobs.yml")
        #expect(declared.map(\.identifier) == ["hourly", "nightly_refresh"])
        let nightly = try #require(declared.last)
        #expect(nightly.source == "jobs.yml: jobs.nightly_refresh")
        #expect(nightly.fields["name"] == "Nightly refresh")
        #expect(nightly.cloudName == "Nightly refresh [[nightly_refresh]]")
        #expect(nightly.fields["custom_environment_variables"] == nil)
        #expect(nightly.ignoredKeys == ["custom_environment_variables"])
        #expect(declared.first?.ignoredKeys == [])
    }

    @Test func theIdentifierComesFromTheKeyTheFieldOrTheName() throws {
        let exported: JSONValue = ["name": "Nightly build [[nightly]]", "id": 43167, "created_at": "2026-01-01T00:00:00Z", "project_id": 100]
        let fromName = try #require(try DeclaredJobs.read(exported, source: "nightly.json").first)
        #expect(fromName.identifier == "nightly")
        #expect(fromName.fields == ["name": "Nightly build", "project_id": 100], "read-only keys are dropped")
        #expect(DeclaredJob.identifier(inName: "Daily [[prod:daily_job]]")?.identifier == "daily_job", "an import filter prefix")
        #expect(DeclaredJob.identifier(inName: "Daily [[a b]]") == nil)
        #expect(DeclaredJob.identifier(inName: "Plain name") == nil)

        let fromField = try #require(try DeclaredJobs.read(["identifier": "x-1", "name": "X"], source: "x.yml").first)
        #expect(fromField.identifier == "x-1")
        #expect(fromField.cloudName == "X [[x-1]]")
        #expect(try DeclaredJobs.read(["name": "No id"], source: "n.yml").first?.identifier == nil)

        #expect(throws: DbtCloudError.self) { try DeclaredJobs.read(["identifier": "a", "name": "A [[b]]"], source: "c.yml") }
        #expect(throws: DbtCloudError.self) { try DeclaredJobs.read(["identifier": "no spaces", "name": "A"], source: "c.yml") }
        #expect {
            try DeclaredJobs.read(["jobs": ["t": ["name": "T", "environment_id": "{{ env_id }}"]]], source: "t.yml")
        } throws: { ($0 as? DbtCloudError)?.description.contains("render the file first") == true }
        #expect(throws: DbtCloudError.self) { try DeclaredJobs.read(["jobs": "nope"], source: "j.yml") }
    }

    @Test func aFolderOfDefinitionsIsReadInPathOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.jobsYAML.utf8).write(to: folder.appendingPathComponent("b.yml"))
        try Data(#"{"identifier": "solo", "name": "Solo"}"#.utf8).write(to: folder.appendingPathComponent("a.json"))
        try Data("ignored".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let declared = try DeclaredJobs.read(paths: [folder.path])
        #expect(declared.map(\.identifier) == ["solo", "hourly", "nightly_refresh"])
        #expect(throws: DbtCloudError.self) { try DeclaredJobs.read(paths: [folder.appendingPathComponent("missing.yml").path]) }
    }

    // MARK: - Diff

    static func liveJob(_ overrides: [String: JSONValue] = [:]) -> JSONValue {
        var job: [String: JSONValue] = [
            "id": 60_001, "account_id": 43, "project_id": 100, "environment_id": 202, "name": "Hourly refresh [[hourly]]",
            "settings": ["threads": 4, "target_name": "prod"], "execute_steps": ["dbt source freshness", "dbt build"],
            "generate_docs": true, "run_generate_sources": false, "triggers": ["github_webhook": false, "schedule": true, "on_merge": false],
            "schedule": ["cron": "0 * * * *", "date": ["type": "every_day"], "time": ["type": "every_hour", "interval": 1]],
            "created_at": "2026-01-01T00:00:00+00:00", "cron_humanized": "Every hour", "dbt_version": nil,
        ]
        for (key, value) in overrides { job[key] = value }
        return .object(job)
    }

    @Test func diffShowsTheDeclaredKeysThatDiffer() {
        let declared: [String: JSONValue] = [
            "name": "Hourly refresh [[hourly]]", "settings": ["threads": 8], "execute_steps": ["dbt build"],
            "generate_docs": true, "dbt_version": nil, "created_at": "ignored", "description": "new",
        ]
        let changes = JobDiff.changes(declared: declared, live: Self.liveJob())
        #expect(changes.map(\.key) == ["description", "execute_steps", "settings.threads"])
        #expect(changes[0] == JobChange(key: "description", live: nil, declared: "new"))
        #expect(changes[1].live == ["dbt source freshness", "dbt build"])
        #expect(changes[2].description == "settings.threads: 4 → 8")
        #expect(JobDiff.changes(declared: [:], live: Self.liveJob()).isEmpty)
    }

    @Test func aCronOnlyScheduleComparesByCron() throws {
        let hourly = try #require(try DeclaredJobs.read(DefinitionText.parse(Data(Self.jobsYAML.utf8), name: "j"), source: "j").first)
        #expect(JobDiff.changes(hourly, live: Self.liveJob()).isEmpty, "same cron: the live date/time shape is left alone")
        let moved = Self.liveJob(["schedule": ["cron": "30 * * * *", "date": ["type": "every_day"], "time": ["type": "every_hour", "interval": 1]]])
        let changes = JobDiff.changes(hourly, live: moved)
        #expect(changes.map(\.key) == ["schedule.cron", "schedule.date.cron", "schedule.date.type"])
        let wire = hourly.wireFields(live: moved)
        #expect(wire["schedule"] == ["cron": "0 * * * *", "date": ["type": "custom_cron", "cron": "0 * * * *"], "time": ["type": "every_hour", "interval": 1]])
    }

    // MARK: - Plan

    static func job(_ json: JSONValue) throws -> Job { try Job(json: json) }

    @Test func applyPlanCreatesUpdatesAndLeavesAlone() throws {
        let declared = try DeclaredJobs.read(DefinitionText.parse(Data(Self.jobsYAML.utf8), name: "jobs.yml"), source: "jobs.yml")
        let untracked = try Self.job(Self.liveJob(["id": 60_002, "name": "Old [[old_one]]"]))
        let byHand = try Self.job(Self.liveJob(["id": 60_003, "name": "Made in the UI"]))
        let hourly = try Self.job(Self.liveJob())
        var plan = JobApplyPlan.make(declared: declared, live: [hourly, untracked, byHand], accountID: 43)
        #expect(plan.isApplicable, "\(plan.problems)")
        #expect(plan.items.map(\.action) == [.unchanged, .create])
        #expect(plan.untracked.map(\.id) == [60_002])
        #expect(plan.notes == ["jobs.yml: jobs.nightly_refresh: custom_environment_variables not applied"])
        let create = try #require(plan.items.last?.body)
        #expect(create["name"] == "Nightly refresh [[nightly_refresh]]")
        #expect(create["account_id"] == 43)
        #expect(create["settings"] == ["threads": 8, "target_name": "prod"])
        #expect(create["execution"] == ["timeout_seconds": 3600])
        #expect(create["state"] == 1, "a default the API requires")
        #expect(create["schedule"]?["date"] == ["type": "custom_cron", "cron": "0 3 * * *"])
        #expect(create["custom_environment_variables"] == nil)

        let drifted = try Self.job(Self.liveJob(["settings": ["threads": 2, "target_name": "prod"]]))
        plan = JobApplyPlan.make(declared: declared, live: [drifted], accountID: 43)
        let update = try #require(plan.items.first)
        #expect(update.action == .update)
        #expect(update.changes.map(\.key) == ["settings.threads"])
        #expect(update.body?["id"] == 60_001)
        #expect(update.body?["settings"] == ["threads": 4, "target_name": "prod"])
        #expect(update.body?["cron_humanized"] == "Every hour", "the whole live job goes back, as update requires")
        #expect(plan.pending.count == 2)
    }

    @Test func applyPlanRefusesAmbiguity() throws {
        let twice = [
            DeclaredJob(identifier: "a", fields: ["name": "A"], source: "one.yml"),
            DeclaredJob(identifier: "a", fields: ["name": "A again"], source: "two.yml"),
            DeclaredJob(identifier: nil, fields: ["name": "Nameless"], source: "three.yml"),
            DeclaredJob(identifier: "b", fields: ["name": "B", "triggers": ["schedule": true]], source: "four.yml"),
        ]
        let clash = try [Self.job(Self.liveJob(["id": 1, "name": "A [[a]]"])), Self.job(Self.liveJob(["id": 2, "name": "A2 [[a]]"]))]
        let plan = JobApplyPlan.make(declared: twice, live: clash, accountID: 43)
        #expect(!plan.isApplicable)
        #expect(plan.problems.contains { $0.hasPrefix("two.yml: identifier `a` is declared twice") })
        #expect(plan.problems.contains { $0.hasPrefix("three.yml: no identifier") })
        #expect(plan.problems.contains { $0.contains("names several live jobs (1, 2)") })
        #expect(plan.problems.contains { $0 == "four.yml: a new job needs `project_id`, `environment_id`, `execute_steps`" })
        #expect(plan.problems.contains { $0.contains("`triggers.schedule` is on but there is no `schedule.cron`") })
    }

    // MARK: - Import to another project

    @Test func importToAnotherProjectSaysWhatItChanges() throws {
        let exported: JSONValue = [
            "name": "Nightly build", "account_id": 43, "project_id": 100, "environment_id": 202, "id": 43167,
            "deferring_job_definition_id": 43168, "deferring_environment_id": nil,
            "triggers": ["schedule": true, "github_webhook": false], "schedule": ["cron": "0 2 * * *"],
        ]
        let moved = try JobImport.retarget(exported, projectID: 101, environmentID: 211, keepSchedule: false)
        #expect(moved.definition["project_id"] == 101)
        #expect(moved.definition["environment_id"] == 211)
        #expect(moved.definition["id"] == nil)
        #expect(moved.definition["deferring_job_definition_id"] == .null)
        #expect(moved.definition["triggers"] == ["schedule": false, "github_webhook": false])
        #expect(!moved.runsOnSchedule)
        #expect(moved.notes == [
            "project 100 → 101",
            "deferring_job_definition_id 43168 cleared: it belongs to project 100",
            "environment 202 → 211",
            "schedule turned off (it was 0 2 * * *)",
        ])

        let kept = try JobImport.retarget(exported, projectID: 100, environmentID: nil, keepSchedule: true)
        #expect(kept.runsOnSchedule)
        #expect(kept.definition["deferring_job_definition_id"] == 43168, "same project: deferral kept")
        #expect(kept.notes == ["the schedule is kept: the new job runs on its own at `0 2 * * *`; --no-schedule turns it off"])
    }

    // MARK: - Against the sandbox

    @Test func anAppliedPlanLeavesNothingToDoTheSecondTime() async throws {
        try await withSandbox { sandbox in
            let account = sandbox.account
            let declared = try DeclaredJobs.read(DefinitionText.parse(Data(Self.jobsYAML.utf8), name: "jobs.yml"), source: "jobs.yml")
            let live = try await sandbox.client.listJobs(accountID: account, filter: JobFilter(projectID: 100)).collect()
            let plan = JobApplyPlan.make(declared: declared, live: live, accountID: account)
            #expect(plan.items.map(\.action) == [.create, .create])
            for item in plan.pending {
                let body = try #require(item.body)
                _ = try await sandbox.client.createJob(accountID: account, definition: body)
            }
            let creates = sandbox.requests(method: "POST", pathContains: "/jobs/")
            #expect(creates.map(\.path) == ["/api/v2/accounts/43/jobs/", "/api/v2/accounts/43/jobs/"])
            #expect(creates.first?.jsonBody?["name"] == "Hourly refresh [[hourly]]")

            let after = try await sandbox.client.listJobs(accountID: account, filter: JobFilter(projectID: 100)).collect()
            let replan = JobApplyPlan.make(declared: declared, live: after, accountID: account)
            #expect(replan.items.map(\.action) == [.unchanged, .unchanged], "\(replan.items.map(\.changes))")

            // A change in the file becomes one update of the whole job.
            var edited = declared
            edited[1] = DeclaredJob(
                identifier: "nightly_refresh", fields: declared[1].fields.merging(["generate_docs": false]) { _, new in new },
                source: "jobs.yml: jobs.nightly_refresh")
            let third = JobApplyPlan.make(declared: edited, live: after, accountID: account)
            let update = try #require(third.pending.first)
            #expect(update.changes.map(\.key) == ["generate_docs"])
            let liveID = try #require(update.liveJob?.id)
            let updated = try await sandbox.client.updateJob(accountID: account, id: liveID, definition: try #require(update.body))
            #expect(updated.generateDocs == false)
            #expect(sandbox.requests(method: "POST").last?.path == "/api/v2/accounts/43/jobs/\(liveID)/")
        }
    }
}
