import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// Jobs as data (`job export/import/create/update/delete`) and the escape hatches (`api`,
/// `query`). Serialized: these tests create and delete jobs and read the request log.
@Suite("Jobs as data, api, query", .serialized, .sandbox())
struct JobAndAPICommandTests {
    func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-\(UUID().uuidString.prefix(8))-\(name)")
    }

    @Test func jobExportIsAPortableDefinition() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("job export 43167")
            #expect(result.status == 0, "\(result)")
            let definition = try #require(result.json, "\(result)")
            #expect(definition["id"] == nil, "computed keys are left out")
            #expect(definition["created_at"] == nil)
            #expect(definition["name"]?.stringValue == "Nightly build")
            #expect(definition["execute_steps"] == .array([.string("dbt source freshness"), .string("dbt build")]))
            #expect(definition["environment_id"]?.intValue == 202)
            let byContext = await shell.run("use job 43167; job export")
            #expect(byContext.json == definition)
        }
    }

    @Test func jobExportImportRoundTrip() async throws {
        try await withShell { shell, fixture in
            let file = temporaryFile("nightly.json")
            defer { try? FileManager.default.removeItem(at: file) }
            let exported = await shell.run("use job 43167; job export -o '\(file.path)'")
            #expect(exported.status == 0, "\(exported)")
            #expect(exported.stdout.isEmpty)
            #expect(exported.stderr.contains("job 43167 → \(file.path)"), "\(exported)")
            var definition = try JSONValue(parsing: Data(contentsOf: file))
            definition = definition.setting("name", to: "Nightly build (copy)")
            try definition.prettyText.write(to: file, atomically: true, encoding: .utf8)

            let imported = await shell.run("job import '\(file.path)'")
            #expect(imported.status == 0, "\(imported)")
            let newID = try #require(Int(imported.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "stdout is the new id: \(imported)")
            #expect(imported.stderr.contains("created job \(newID) Nightly build (copy)"), "\(imported)")
            #expect(shell.context.job?.id == newID, "the new job becomes the context")
            let job = try await fixture.client.job(accountID: 43, id: newID)
            #expect(job.executeSteps == ["dbt source freshness", "dbt build"])
            #expect(job.environmentID == 202)

            let found = await shell.run("jobs --name '(copy)'")
            #expect(found.stdout.firstColumn == [String(newID)], "\(found)")
            _ = await shell.run("job delete \(newID) --yes")
        }
    }

    @Test func jobUpdateAndDelete() async throws {
        try await withShell { shell, fixture in
            let file = temporaryFile("new.json")
            defer { try? FileManager.default.removeItem(at: file) }
            _ = await shell.run("use job 43168; job export -o '\(file.path)'")
            var definition = try JSONValue(parsing: Data(contentsOf: file))
            definition = definition.setting("name", to: "Scratch job")
            try definition.prettyText.write(to: file, atomically: true, encoding: .utf8)
            let created = await shell.run("job create --file '\(file.path)'")
            #expect(created.status == 0, "\(created)")
            let id = try #require(shell.context.job?.id)
            #expect(id != 43168)

            let updated = await shell.run("job update --set name='Scratch job renamed' --set settings.threads=8 --set generate_docs=false")
            #expect(updated.status == 0, "\(updated)")
            let job = try await fixture.client.job(accountID: 43, id: id)
            #expect(job.name == "Scratch job renamed")
            #expect(job.raw["settings"]?["threads"]?.intValue == 8)
            #expect(job.generateDocs == false)

            var since = fixture.requestMark()
            let digits = await shell.run("job update --set name=123 --set settings.threads=4")
            #expect(digits.status == 0, "\(digits)")
            let sent = try #require(fixture.writes(since: since).only?.jsonBody)
            #expect(sent["name"] == .string("123"), "a name stays text, byte for byte")
            #expect(sent["settings"]?["threads"] == .int(4), "a number key reads the value as JSON")

            since = fixture.requestMark()
            let typo = await shell.run("job update --set nme=x")
            #expect(typo.status == 2, "\(typo)")
            #expect(typo.stderrLines == ["error: job update: job \(id) has no key 'nme' (did you mean name?); 'job export \(id)' shows its keys"])
            #expect(fixture.writes(since: since).isEmpty, "refused before the update")

            let computed = await shell.run("job update --set id=5")
            #expect(computed.status == 2, "\(computed)")
            let nothing = await shell.run("job update")
            #expect(nothing.status == 2, "\(nothing)")

            let unconfirmed = await shell.run("job delete")
            #expect(unconfirmed.status == 2, "scripts must say --yes: \(unconfirmed)")
            #expect(unconfirmed.stderr.contains("--yes"), "\(unconfirmed)")
            let deleted = await shell.run("job delete --yes")
            #expect(deleted.status == 0, "\(deleted)")
            #expect(shell.context.job?.id != id, "a deleted job leaves the context")
            let gone = await shell.run("jobs --name 'Scratch job'")
            #expect(gone.stdout.isEmpty, "\(gone)")
        }
    }

    @Test func jobChangesAreRefusedWhenReadonly() async throws {
        try await withShell { shell, fixture in
            let file = temporaryFile("ro.json")
            defer { try? FileManager.default.removeItem(at: file) }
            _ = await shell.run("use job 43168; job export -o '\(file.path)'")
            for line in ["job import '\(file.path)'", "job create --file '\(file.path)'", "job update --set name=x",
                         "job delete --yes", "api POST /api/v2/accounts/{account}/jobs/{job}/run/", "api DELETE /api/v2/accounts/{account}/jobs/{job}/"] {
                let result = await shell.run("set readonly on; " + line)
                #expect(result.status == 2, "\(line): \(result)")
                #expect(result.stderr.contains("read-only"), "\(line): \(result)")
            }
            #expect(shell.requests(method: "POST").isEmpty)
            #expect(shell.requests(method: "DELETE").isEmpty)
            let export = await shell.run("job export")
            #expect(export.status == 0, "reading is fine: \(export)")
            let get = await shell.run("api GET /api/v2/accounts/{account}/jobs/{job}/")
            #expect(get.status == 0, "api GET is allowed under readonly: \(get)")
        }
    }

    @Test func jobFileErrors() async throws {
        try await withShell { shell, _ in
            let missing = await shell.run("job import /no/such/file.json")
            #expect(missing.status == 2, "\(missing)")
            let file = temporaryFile("bad.json")
            defer { try? FileManager.default.removeItem(at: file) }
            try "[1, 2]".write(to: file, atomically: true, encoding: .utf8)
            let notObject = await shell.run("job create --file '\(file.path)'")
            #expect(notObject.status == 2, "\(notObject)")
            let noFile = await shell.run("job create")
            #expect(noFile.status == 2, "\(noFile)")
        }
    }

    @Test func apiGetFillsPlaceholders() async throws {
        try await withShell { shell, fixture in
            let result = await shell.run("use job 43167; api GET /api/v2/accounts/{account}/jobs/{job}/")
            #expect(result.status == 0, "\(result)")
            let json = try #require(result.json, "\(result)")
            #expect((json["data"]?["id"] ?? json["id"])?.intValue == 43167, "\(result.stdout.prefix(300))")
            #expect(shell.requests(method: "GET", pathContains: "/api/v2/accounts/43/jobs/43167/").count >= 1)
            let query = await shell.run("api GET '/api/v2/accounts/{account}/runs/?job_definition_id=43167&order_by=-id&limit=1'")
            #expect(query.status == 0, "\(query)")
            let runs = query.json?["data"]?.arrayValue
            #expect(runs?.first?["id"]?.intValue == 902, "\(query.stdout.prefix(300))")
        }
    }

    @Test func apiErrors() async throws {
        try await withShell { shell, _ in
            let notFound = await shell.run("api GET /api/v2/accounts/{account}/jobs/999999/")
            #expect(notFound.status == 3, "\(notFound)")
            #expect(notFound.stderrLines.count == 1, "\(notFound)")
            let noSlash = await shell.run("api GET api/v2/accounts/")
            #expect(noSlash.status == 2, "\(noSlash)")
            let noJob = await shell.run("unuse job; api GET /api/v2/accounts/{account}/jobs/{job}/")
            #expect(noJob.status == 2, "\(noJob)")
            #expect(noJob.stderr.contains("use job"), "\(noJob)")
            let method = await shell.run("api FETCH /api/v2/accounts/")
            #expect(method.status == 2, "\(method)")
            let data = await shell.run("api POST /api/v2/accounts/{account}/jobs/ --data '{not json'")
            #expect(data.status == 2, "\(data)")
        }
    }

    @Test func queryRunsDiscoveryGraphQL() async throws {
        try await withShell { shell, _ in
            let file = temporaryFile("models.graphql")
            defer { try? FileManager.default.removeItem(at: file) }
            try """
            query Models($environmentId: BigInt!, $first: Int) {
              environment(id: $environmentId) {
                applied {
                  models(first: $first) {
                    totalCount
                    edges { node { name uniqueId executionInfo { lastRunStatus } } }
                  }
                }
              }
            }
            """.write(to: file, atomically: true, encoding: .utf8)
            let result = await shell.run("use job 43167; query '\(file.path)' --var first=5")
            #expect(result.status == 0, "\(result)")
            let json = try #require(result.json, "\(result)")
            let models = json["environment"]?["applied"]?["models"] ?? json["data"]?["environment"]?["applied"]?["models"]
            #expect(models?["edges"]?.arrayValue?.count == 5, "\(result.stdout.prefix(400))")
            #expect((models?["totalCount"]?.intValue ?? 0) > 5)

            let noEnvironment = await shell.run("unuse environment; query '\(file.path)'")
            #expect(noEnvironment.status != 0, "without an environment the variable is missing: \(noEnvironment)")
            let explicit = await shell.run("query '\(file.path)' --var environmentId=202 --var first=1")
            #expect(explicit.status == 0, "\(explicit)")
            let missing = await shell.run("query /no/such.graphql")
            #expect(missing.status == 2)
            let badVar = await shell.run("query '\(file.path)' --var nonsense")
            #expect(badVar.status == 2)
        }
    }
}
