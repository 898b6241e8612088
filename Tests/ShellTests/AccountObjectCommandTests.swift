import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// Issue 14.1: `project|environment|connection create|update|delete`, `connection show`,
/// `audit-log`, through the interpreter against the sandbox. Serialized: they change the
/// sandbox's world and read its request log.
@Suite("Account objects and the audit log", .serialized, .sandbox())
struct AccountObjectCommandTests {
    @Test("project create, update and delete send the documented requests with the exact bodies")
    func projectLifecycle() async throws {
        try await withShell { shell, fixture in
            var since = fixture.requestMark()
            let created = await shell.run("project create --set name=Finance --set description='Finance models' --yes")
            #expect(created.status == 0, "\(created)")
            let id = try #require(Int(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "stdout is the new id: \(created)")
            #expect(created.stderrLines == ["created project \(id) 'Finance'"])
            let create = try #require(fixture.writes(since: since).only)
            #expect(create.method == "POST")
            #expect(create.path == "/api/v3/accounts/43/projects/")
            #expect(create.jsonBody == ["name": "Finance", "description": "Finance models", "type": 0, "state": 1, "account_id": 43])

            since = fixture.requestMark()
            let updated = await shell.run("project update Finance --set description=Money --set dbt_project_subdirectory=finance --yes")
            #expect(updated.status == 0, "\(updated)")
            #expect(updated.stdout.isEmpty)
            #expect(updated.stderrLines == [
                "project \(id) 'Finance':",
                "  dbt_project_subdirectory: null → \"finance\"",
                "  description: \"Finance models\" → \"Money\"",
                "updated project \(id) 'Finance'",
            ])
            let update = try #require(fixture.writes(since: since).only)
            #expect(update.method == "POST")
            #expect(update.path == "/api/v3/accounts/43/projects/\(id)/")
            let body = try #require(update.jsonBody?.objectValue)
            #expect(body["id"] == .int(id))
            #expect(body["account_id"] == 43)
            #expect(body["name"] == "Finance", "the whole project is sent back: a POST replaces it")
            #expect(body["description"] == "Money")
            #expect(body["dbt_project_subdirectory"] == "finance")
            for computed in ["created_at", "updated_at", "state", "connection", "repository", "group_permissions"] {
                #expect(body[computed] == nil, "\(computed) is computed by dbt Cloud")
            }

            since = fixture.requestMark()
            let deleted = await shell.run("use project \(id); project delete --yes")
            #expect(deleted.status == 0, "\(deleted)")
            #expect(deleted.stderrLines.last == "deleted project \(id) 'Finance'")
            #expect(fixture.writes(since: since).map { "\($0.method) \($0.path)" } == ["DELETE /api/v3/accounts/43/projects/\(id)/"])
            #expect(shell.context.project == nil, "a deleted project leaves the context")
            #expect(await shell.run("projects").stdout.firstColumn == ["100", "101"])
        }
    }

    @Test("a script without --yes is refused in one line naming --yes, before any request")
    func scriptsMustSayYes() async throws {
        try await withShell { shell, fixture in
            let since = fixture.requestMark()
            for line in ["project create --set name=X", "project update 100 --set name=X", "project delete 101",
                         "environment create --set name=X --set type=deployment", "environment update 201 --set name=X",
                         "environment delete 201", "connection create --set name=X --set adapter_version=postgres_v0 --set config={}",
                         "connection update 300 --set name=X", "connection delete 300"] {
                let result = await shell.run(line)
                #expect(result.status == 2, "\(line): \(result)")
                #expect(result.stderrLines.count == 1, "\(line): \(result)")
                #expect(result.stderr.contains("--yes"), "\(line): \(result)")
            }
            #expect(fixture.requests(since: since).isEmpty, "nothing was sent, not even a lookup")
        }
    }

    @Test("on a terminal the change is asked for: no keeps everything, yes sends it")
    func terminalConfirmation() async throws {
        try await withShell { _, fixture in
            let declining = fixture.shell(interactive: true, console: CapturingConsole(input: "n\n"))
            let since = fixture.requestMark()
            let kept = await declining.run("project delete marketing")
            #expect(kept.status == 0, "\(kept)")
            #expect(kept.stderr.contains("delete project 101 'marketing'? [y/N] "), "\(kept)")
            #expect(kept.stderr.hasSuffix("not deleted\n"), "\(kept)")
            #expect(fixture.writes(since: since).isEmpty)

            let accepting = fixture.shell(interactive: true, console: CapturingConsole(input: "y\n"))
            let updated = await accepting.run("project update marketing --set description='Campaigns'")
            #expect(updated.status == 0, "\(updated)")
            #expect(updated.stderr.contains("  description: \"Campaign and attribution models\" → \"Campaigns\"\nupdate project 101 'marketing'? [y/N] "),
                    "the change is shown before the question: \(updated)")
            #expect(fixture.writes(since: since).map(\.path) == ["/api/v3/accounts/43/projects/101/"])
            _ = await fixture.shell().run("project update 101 --set description='Campaign and attribution models' --yes")
        }
    }

    @Test("environment create, update (the whole object back) and delete")
    func environmentLifecycle() async throws {
        try await withShell { shell, fixture in
            var since = fixture.requestMark()
            let created = await shell.run("environment create --project marketing --set name=CI --set type=deployment --set deployment_type=staging --yes")
            #expect(created.status == 0, "\(created)")
            let id = try #require(Int(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(created)")
            let create = try #require(fixture.writes(since: since).only)
            #expect(create.path == "/api/v3/accounts/43/projects/101/environments/")
            #expect(create.jsonBody == [
                "name": "CI", "type": "deployment", "deployment_type": "staging", "account_id": 43, "project_id": 101, "state": 1,
                "use_custom_branch": false, "supports_docs": false, "dbt_version": "latest",
            ])

            since = fixture.requestMark()
            let updated = await shell.run("environment update CI --project 101 --set dbt_version=1.9.0-latest --set custom_branch=release --set use_custom_branch=true --yes")
            #expect(updated.status == 0, "\(updated)")
            #expect(updated.stderr.contains("  dbt_version: \"latest\" → \"1.9.0-latest\""), "\(updated)")
            let update = try #require(fixture.writes(since: since).only)
            #expect(update.path == "/api/v3/accounts/43/projects/101/environments/\(id)/")
            let body = try #require(update.jsonBody?.objectValue)
            #expect(body["id"] == .int(id))
            #expect(body["name"] == "CI", "keys not changed are sent too: the API resets what a POST leaves out")
            #expect(body["type"] == "deployment")
            #expect(body["deployment_type"] == "staging")
            #expect(body["dbt_version"] == "1.9.0-latest")
            #expect(body["custom_branch"] == "release")
            #expect(body["use_custom_branch"] == true)
            #expect(body["raw_dbt_version"] == nil && body["created_at"] == nil)
            let live = try await fixture.client.environment(accountID: 43, projectID: 101, id: id)
            #expect(live.deploymentType == "staging" && live.customBranch == "release")

            since = fixture.requestMark()
            let deleted = await shell.run("use environment \(id); environment delete --yes")
            #expect(deleted.status == 0, "\(deleted)")
            #expect(fixture.writes(since: since).map { "\($0.method) \($0.path)" } == ["DELETE /api/v3/accounts/43/projects/101/environments/\(id)/"])
            #expect(shell.context.environment == nil)
        }
    }

    @Test("connection create from a YAML file, show, update (only the changed keys) and delete")
    func connectionLifecycle() async throws {
        try await withShell { shell, fixture in
            let file = try temporaryFile("warehouse.yml", contents: """
                name: Finance warehouse
                adapter_version: postgres_v0
                config:
                  hostname: db.finance.example
                  port: 5432
                  dbname: finance
                """)
            defer { try? FileManager.default.removeItem(at: file) }
            var since = fixture.requestMark()
            let created = await shell.run("connection create --file '\(file.path)' --yes")
            #expect(created.status == 0, "\(created)")
            let id = try #require(Int(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(created)")
            let create = try #require(fixture.writes(since: since).only)
            #expect(create.path == "/api/v3/accounts/43/connections/")
            #expect(create.jsonBody == [
                "name": "Finance warehouse", "adapter_version": "postgres_v0", "account_id": 43,
                "config": ["hostname": "db.finance.example", "port": 5432, "dbname": "finance"],
            ])

            let shown = await shell.run("connection show 'Finance warehouse' --json")
            #expect(shown.status == 0, "\(shown)")
            #expect(shown.json?["id"] == .int(id))
            #expect(await shell.run("connection get \(id)").stdout.contains("Finance warehouse"))

            since = fixture.requestMark()
            let updated = await shell.run("connection update \(id) --set config.hostname=db2.finance.example --yes")
            #expect(updated.status == 0, "\(updated)")
            #expect(updated.stderr.contains("  config.hostname: \"db.finance.example\" → \"db2.finance.example\""), "\(updated)")
            let patch = try #require(fixture.writes(since: since).only)
            #expect(patch.method == "PATCH")
            #expect(patch.path == "/api/v3/accounts/43/connections/\(id)/")
            #expect(patch.jsonBody == ["config": ["hostname": "db2.finance.example"]])

            since = fixture.requestMark()
            let deleted = await shell.run("connection delete 'Finance warehouse' --yes")
            #expect(deleted.status == 0, "\(deleted)")
            #expect(fixture.writes(since: since).map { "\($0.method) \($0.path)" } == ["DELETE /api/v3/accounts/43/connections/\(id)/"])
            let gone = await shell.run("connection show \(id)")
            #expect(gone.status == 3, "\(gone)")
        }
    }

    @Test("bad definitions are refused before anything is sent")
    func badDefinitions() async throws {
        try await withShell { shell, fixture in
            let since = fixture.requestMark()
            let noName = await shell.run("project create --set description=x --yes")
            #expect(noName.status == 2, "\(noName)")
            #expect(noName.stderr.contains("`name`"), "\(noName)")
            let notAssignment = await shell.run("project create --set name --yes")
            #expect(notAssignment.status == 2, "\(notAssignment)")
            #expect(notAssignment.stderr.contains("is not KEY=VALUE"), "\(notAssignment)")
            let missing = await shell.run("project create --file /no/such/file.yml --yes")
            #expect(missing.status == 2, "\(missing)")
            let nothing = await shell.run("project update 100 --yes")
            #expect(nothing.status == 2, "\(nothing)")
            #expect(nothing.stderr.contains("nothing to change"), "\(nothing)")
            let list = try temporaryFile("list.json", contents: "[1, 2]")
            defer { try? FileManager.default.removeItem(at: list) }
            let notObject = await shell.run("project create --file '\(list.path)' --yes")
            #expect(notObject.status == 2, "\(notObject)")
            let noConfig = await shell.run("connection create --set name=x --set adapter_version=postgres_v0 --yes")
            #expect(noConfig.status == 2, "\(noConfig)")
            #expect(fixture.writes(since: since).isEmpty)

            let computed = await shell.run("project update 100 --set created_at=2020 --yes")
            #expect(computed.status == 2, "\(computed)")
            #expect(computed.stderr.contains("set by dbt Cloud"), "\(computed)")
            #expect(fixture.requests(since: since).isEmpty, "refused before any request")
            let refused = await shell.run("environment create --project marketing --set name=Dev2 --set type=development --yes")
            #expect(refused.status == 3, "the API's 400 (one development environment per project): \(refused)")
            #expect(refused.stderrLines.count == 1, "\(refused)")
        }
    }

    @Test("--set keeps the typed text where the live key is text (1.10 stays \"1.10\"), JSON elsewhere")
    func setValuesFollowTheLiveTypes() async throws {
        try await withShell { shell, fixture in
            let since = fixture.requestMark()
            let updated = await shell.run("environment update 202 --set dbt_version=1.10 --set supports_docs=false --set custom_branch='\"8\"' --yes")
            #expect(updated.status == 0, "\(updated)")
            #expect(updated.stderr.contains("  dbt_version: \"latest\" → \"1.10\""), "\(updated)")
            let update = try #require(fixture.writes(since: since).only)
            let body = try #require(update.jsonBody?.objectValue)
            #expect(body["dbt_version"] == .string("1.10"), "the text as typed, not the number 1.1")
            #expect(body["supports_docs"] == .bool(false), "a boolean key reads the value as JSON")
            #expect(body["custom_branch"] == .string("8"), "a quoted JSON string stays a string")
            _ = await shell.run("environment update 202 --set dbt_version=latest --set supports_docs=true --set custom_branch=null --yes")
        }
    }

    @Test("--set of a key the object does not have is refused in one line naming the nearest key, before the update")
    func unknownKeysAreRefused() async throws {
        try await withShell { shell, fixture in
            let since = fixture.requestMark()
            let bogus = await shell.run("project update 100 --set bogus=1 --yes")
            #expect(bogus.status == 2, "\(bogus)")
            #expect(bogus.stderrLines == ["error: project update: project 100 'analytics' has no key 'bogus'; 'projects --json' shows the keys"])
            let typo = await shell.run("environment update 202 --set dbt_versoin=1.10 --yes")
            #expect(typo.status == 2, "\(typo)")
            #expect(typo.stderrLines.count == 1, "\(typo)")
            #expect(typo.stderr.contains("has no key 'dbt_versoin' (did you mean dbt_version?)"), "\(typo)")
            let nested = await shell.run("connection update 300 --set confg.port=5433 --yes")
            #expect(nested.status == 2, "the top-level key of a dotted one is checked: \(nested)")
            #expect(nested.stderr.contains("(did you mean config?)"), "\(nested)")
            #expect(fixture.writes(since: since).isEmpty, "nothing was sent")
        }
    }

    @Test("a name from the network stays on its line: newlines and escapes are shown, not obeyed")
    func hostileNames() async throws {
        try await withShell { shell, fixture in
            let project = try await fixture.client.createProject(
                accountID: 43, definition: ["name": "evil\nforged: line\u{1B}]0;title\u{07}"])
            let result = await shell.run("project update \(project.id) --set description=x --yes; project delete \(project.id) --yes")
            #expect(result.status == 0, "\(result)")
            let shown = "'evil^Jforged: line^[]0;title^G'"
            #expect(result.stderrLines == [
                "project \(project.id) \(shown):", "  description: \"\" → \"x\"", "updated project \(project.id) \(shown)",
                "deleted project \(project.id) \(shown)",
            ], "\(result)")
        }
    }

    @Test("read-only refuses every change before a request")
    func readOnly() async throws {
        try await withShell { _, fixture in
            var settings = Settings()
            settings.fixReadonly()
            let shell = fixture.shell(settings: settings)
            let since = fixture.requestMark()
            for line in ["project create --set name=X --yes", "project update 100 --set name=X --yes", "project delete 101 --yes",
                         "environment create --set name=X --set type=deployment --yes", "environment update 201 --set name=X --yes",
                         "environment delete 201 --yes", "connection create --file x.yml --yes", "connection update 300 --set name=X --yes",
                         "connection delete 300 --yes"] {
                let result = await shell.run(line)
                #expect(result.status == 2, "\(line): \(result)")
                #expect(result.stderr.contains("read-only"), "\(line): \(result)")
            }
            #expect(fixture.requests(since: since).isEmpty)
            #expect(await shell.run("connection show 300").status == 0, "looking is allowed")
        }
    }

    @Test("audit-log: every page, filtered by day, as a table and as JSON")
    func auditLog() async throws {
        try await withShell { shell, fixture in
            _ = await shell.run("project update 100 --set description='The lumen_shop dbt project' --set dbt_project_subdirectory=null --yes")
            _ = await shell.run("project create --set name=Audited --yes; project delete Audited --yes")
            var since = fixture.requestMark()
            let today = utcDay()
            let recent = await shell.run("audit-log --since \(today)")
            #expect(recent.status == 0, "\(recent)")
            #expect(recent.stdout.tableHeader?.split(separator: " ") == ["LOGGED", "AT", "EVENT", "ACTOR", "SOURCE", "DETAIL"], "\(recent)")
            #expect(recent.stdout.contains("project.Created"), "\(recent)")
            #expect(recent.stdout.contains("project.Deleted"), "\(recent)")
            let request = try #require(fixture.requests(since: since, method: "GET", pathContains: "audit-logs").first)
            #expect(request.path == "/api/v3/accounts/43/audit-logs/")
            #expect(request.queryValue("logged_at_start") == today)
            #expect(request.queryValue("logged_at_end") == nil)

            since = fixture.requestMark()
            let json = await shell.run("audit-log --last 7d --until \(today) --json")
            #expect(json.status == 0, "\(json)")
            let events = try #require(json.json?.arrayValue, "\(json)")
            #expect(events.contains { $0["event_type"] == "project.Created" && $0["event_context"]?["name"] == "Audited" })
            let filtered = try #require(fixture.requests(since: since, method: "GET", pathContains: "audit-logs").first)
            #expect(filtered.queryValue("logged_at_start") == utcDay(daysAgo: 7))
            #expect(filtered.queryValue("logged_at_end") == today)

            let all = await shell.run("audit-log --json")
            let every = try #require(all.json?.arrayValue)
            #expect(every.count >= events.count)
            #expect(every.contains { $0["event_type"] == "user.LoggedIn" }, "the seeded events too")
            let pages = fixture.requests(since: since, method: "GET", pathContains: "audit-logs").filter { $0.queryValue("logged_at_start") == nil }
            #expect(pages.count >= 1)

            let csv = await shell.run("audit-log --since \(today) --output csv --fields event,actor")
            #expect(csv.stdout.split(separator: "\r\n").first == "event,actor", "\(csv)")
            #expect(csv.stdout.contains("project.Created,CI token"), "\(csv)")

            let limited = await shell.run("audit-log --limit 2")
            #expect(limited.stdout.tableRows.count == 2, "\(limited)")
            #expect(limited.stderr.contains("showing the first 2 events; there are more"), "\(limited)")

            let old = await shell.run("audit-log --until 2000-01-01")
            #expect(old.status == 0)
            #expect(old.stdout.isEmpty)
            #expect(old.stderrLines == ["no audit log events until 2000-01-01"])

            since = fixture.requestMark()
            for bad in ["audit-log --since 2026-13-01", "audit-log --since yesterday", "audit-log --last 0d",
                        "audit-log --since 2026-11-02 --last 7d", "audit-log --since 2026-11-02 --until 2026-11-01"] {
                let result = await shell.run(bad)
                #expect(result.status == 2, "\(bad): \(result)")
                #expect(result.stderrLines.count == 1, "\(bad): \(result)")
            }
            #expect(fixture.requests(since: since).isEmpty)
        }
    }
}

extension Array {
    /// The single element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
