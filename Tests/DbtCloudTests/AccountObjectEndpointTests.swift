import Foundation
import Sandbox
import Testing
@testable import DbtCloud
import TestSupport

@Suite("Projects, environments, connections and the audit log over loopback")
struct AccountObjectEndpointTests {
    @Test func projectCreateUpdateDeleteSendTheExactPathsAndBodies() async throws {
        try await withSandbox { sandbox in
            let created = try await sandbox.client.createProject(
                accountID: sandbox.account, definition: ["name": "finance", "description": "Finance models", "id": 5])
            #expect(created.name == "finance")
            #expect(created.state == 1)
            let create = try #require(sandbox.requests(method: "POST").last)
            #expect(create.path == "/api/v3/accounts/43/projects/")
            #expect(create.jsonBody == ["name": "finance", "description": "Finance models", "account_id": 43, "type": 0, "state": 1],
                    "read-only keys such as id are not sent; the spec's required type and state are filled in")

            let renamed = try await sandbox.client.updateProject(
                accountID: sandbox.account, id: created.id, changes: ["name": "finance_v2", "dbt_project_subdirectory": "dbt/"])
            #expect(renamed.name == "finance_v2")
            #expect(renamed.description == "Finance models", "keys not changed keep their value")
            let get = try #require(sandbox.requests(method: "GET", pathContains: "/projects/\(created.id)/").last)
            #expect(get.path == "/api/v3/accounts/43/projects/\(created.id)/")
            let update = try #require(sandbox.requests(method: "POST").last)
            #expect(update.path == "/api/v3/accounts/43/projects/\(created.id)/")
            #expect(update.jsonBody?["id"] == .int(created.id))
            #expect(update.jsonBody?["name"] == "finance_v2")
            #expect(update.jsonBody?["dbt_project_subdirectory"] == "dbt/")
            #expect(update.jsonBody?["connection"] == nil, "nested read-only objects are not sent back")

            let deleted = try await sandbox.client.deleteProject(accountID: sandbox.account, id: created.id)
            #expect(deleted?.state == 2, "the API answers the soft-deleted project (as recorded)")
            #expect(sandbox.requests(method: "DELETE").last?.path == "/api/v3/accounts/43/projects/\(created.id)/")
            await #expect {
                _ = try await sandbox.client.project(accountID: sandbox.account, id: created.id)
            } throws: { ($0 as? DbtCloudError)?.kind == .notFound }
            let remaining = try await sandbox.client.projects(accountID: sandbox.account).collect().map(\.id)
            #expect(remaining == [100, 101])
        }
    }

    @Test func validationErrorsComeBackAsFieldErrors() async throws {
        try await withSandbox { sandbox in
            await #expect {
                _ = try await sandbox.client.createProject(accountID: sandbox.account, definition: [:])
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.kind == .invalidArgument && error?.description.contains("`name`") == true
            }
            #expect(sandbox.requests(method: "POST").isEmpty, "a definition without its required keys is refused before sending")

            await #expect {
                _ = try await sandbox.client.createProject(accountID: sandbox.account, definition: ["name": "x", "type": 7, "connection_id": 9])
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.status == 400 && error?.kind == .rejected && error?.fieldErrors["type"] != nil
                    && error?.fieldErrors["connection_id"] == "No object with id 9."
                    && error?.description.contains("400 The request was invalid") == true
            }
            let response = try #require(sandbox.requests(method: "POST").last)
            #expect(response.path == "/api/v3/accounts/43/projects/")

            await #expect {
                _ = try await sandbox.client.createEnvironment(
                    accountID: sandbox.account, projectID: 100, definition: ["name": "Second prod", "type": "deployment", "deployment_type": "production"])
            } throws: { error in
                (error as? DbtCloudError)?.fieldErrors["deployment_type"] == "A project can have only one production environment."
            }
        }
    }

    @Test func environmentUpdateSendsTheWholeObjectBecauseAPostReplacesIt() async throws {
        try await withSandbox { sandbox in
            let created = try await sandbox.client.createEnvironment(
                accountID: sandbox.account, projectID: 101,
                definition: ["name": "Staging", "type": "deployment", "deployment_type": "staging", "custom_branch": "release", "use_custom_branch": true])
            let create = try #require(sandbox.requests(method: "POST").last)
            #expect(create.path == "/api/v3/accounts/43/projects/101/environments/")
            #expect(create.jsonBody?["project_id"] == 101)
            #expect(create.jsonBody?["dbt_version"] == "latest")
            #expect(created.customBranch == "release")

            let updated = try await sandbox.client.updateEnvironment(
                accountID: sandbox.account, projectID: 101, id: created.id, changes: ["name": "Staging (EU)"])
            #expect(updated.name == "Staging (EU)")
            #expect(updated.customBranch == "release", "the rest of the object survives the full-replace POST")
            #expect(updated.deploymentType == "staging")
            let update = try #require(sandbox.requests(method: "POST").last)
            #expect(update.path == "/api/v3/accounts/43/projects/101/environments/\(created.id)/")
            #expect(update.jsonBody?["custom_branch"] == "release")
            #expect(update.jsonBody?["id"] == .int(created.id))

            // What a partial POST would do: the sandbox resets what is left out, as the API documents.
            let partial = try await sandbox.client.send(
                "POST", "/api/v3/accounts/43/projects/101/environments/\(created.id)/",
                body: ["name": "Staging", "type": "deployment"])
            #expect(partial.data?["custom_branch"] == .null)
            #expect(partial.data?["use_custom_branch"] == false)

            await #expect {
                _ = try await sandbox.client.updateEnvironment(accountID: sandbox.account, projectID: 101, id: created.id, changes: ["project_id": 100])
            } throws: { ($0 as? DbtCloudError)?.kind == .invalidArgument }

            let deleted = try await sandbox.client.deleteEnvironment(accountID: sandbox.account, projectID: 101, id: created.id)
            #expect(deleted?.state == 2)
            #expect(sandbox.requests(method: "DELETE").last?.path == "/api/v3/accounts/43/projects/101/environments/\(created.id)/")
            let listed = try await sandbox.client.environments(accountID: sandbox.account, projectID: 101).collect().map(\.id)
            #expect(listed == [210, 211])
        }
    }

    @Test func connectionsAreCreatedAtAccountLevelAndPatchedWithTheChangesOnly() async throws {
        try await withSandbox { sandbox in
            let created = try await sandbox.client.createConnection(
                accountID: sandbox.account,
                definition: [
                    "name": "Reporting", "adapter_version": "postgres_v0",
                    "config": ["hostname": "db.acme.example", "dbname": "reporting", "port": 5432, "password": "hunter2"],
                ])
            #expect(created.name == "Reporting")
            #expect(created.adapterVersion == "postgres_v0")
            #expect(created.raw["config"]?["password"] == nil, "write-only secrets are not echoed")
            let create = try #require(sandbox.requests(method: "POST").last)
            #expect(create.path == "/api/v3/accounts/43/connections/")
            #expect(create.jsonBody?["config"]?["hostname"] == "db.acme.example")

            let patched = try await sandbox.client.updateConnection(
                accountID: sandbox.account, id: created.id, changes: ["config.hostname": "db2.acme.example", "name": "Reporting 2"])
            #expect(patched.name == "Reporting 2")
            #expect(patched.raw["config"]?["hostname"] == "db2.acme.example")
            #expect(patched.raw["config"]?["dbname"] == "reporting", "PATCH merges config")
            let patch = try #require(sandbox.requests(method: "PATCH").last)
            #expect(patch.path == "/api/v3/accounts/43/connections/\(created.id)/")
            #expect(patch.jsonBody == ["name": "Reporting 2", "config": ["hostname": "db2.acme.example"]])

            let fetched = try await sandbox.client.connection(accountID: sandbox.account, id: created.id)
            #expect(fetched.name == "Reporting 2")
            #expect(sandbox.requests(method: "GET").last?.path == "/api/v3/accounts/43/connections/\(created.id)/")

            await #expect {
                _ = try await sandbox.client.createConnection(
                    accountID: sandbox.account, definition: ["name": "Bad", "adapter_version": "snowflake_v0", "config": ["account": "x"]])
            } throws: { error in
                let fields = (error as? DbtCloudError)?.fieldErrors ?? [:]
                return fields["config.database"] == "required key not provided" && fields["config.warehouse"] != nil
            }

            let deleted = try await sandbox.client.deleteConnection(accountID: sandbox.account, id: created.id)
            #expect(deleted?.state == 2)
            #expect(sandbox.requests(method: "DELETE").last?.path == "/api/v3/accounts/43/connections/\(created.id)/")
        }
    }

    /// The paths dbt-cloud-cli 0.9.1's `connection` commands call (project-scoped, deprecated) still answer.
    @Test func dbtCloudCLIsProjectScopedConnectionPathsAnswer() async throws {
        try await withSandbox { sandbox in
            let body: JSONValue = [
                "name": "pytest connection", "type": "snowflake", "account_id": 43, "project_id": 100, "state": 1,
                "details": ["account": "acme", "database": "analytics", "warehouse": "transforming", "role": "dbt", "allow_sso": false],
            ]
            let created = try await sandbox.client.send("POST", "/api/v3/accounts/43/projects/100/connections/", body: body)
            #expect(created.status == 201)
            #expect(created.json?["status"]?["code"] == 201)
            let id = try #require(created.data?["id"]?.intValue)
            #expect(created.data?["details"]?["warehouse"] == "transforming")
            let got = try await sandbox.client.send("GET", "/api/v3/accounts/43/projects/100/connections/\(id)/")
            #expect(got.data?["name"] == "pytest connection")
            let listed = try await sandbox.client.send("GET", "/api/v3/accounts/43/projects/100/connections/?limit=1&offset=0")
            #expect(listed.json?["extra"]?["filters"]?["limit"] == 1)
            let deleted = try await sandbox.client.send("DELETE", "/api/v3/accounts/43/projects/100/connections/\(id)/")
            #expect(deleted.data?["state"] == 2)

            // dbt-cloud-cli writes v3 objects without the trailing slash; the API takes it.
            let project = try await sandbox.client.send("POST", "/api/v3/accounts/43/projects", body: ["name": "cli", "type": 0])
            #expect(project.status == 201)
            let projectID = try #require(project.data?["id"]?.intValue)
            let renamed = try await sandbox.client.send(
                "POST", "/api/v3/accounts/43/projects/\(projectID)", body: ["id": .int(projectID), "name": "cli 2", "type": 0])
            #expect(renamed.data?["name"] == "cli 2")
            await #expect {
                _ = try await sandbox.client.send("POST", "/api/v2/accounts/43/jobs/43167/run", body: ["cause": "x"])
            } throws: { ($0 as? DbtCloudError)?.status == 301 }
        }
    }

    @Test func auditLogFiltersByDayAndPagesThroughEverything() async throws {
        let options = SandboxHarness.fastRetry
        try await withSandbox(retry: options) { sandbox in
            for name in ["a", "b", "c"] {
                _ = try await sandbox.client.createProject(accountID: sandbox.account, definition: ["name": .string(name)])
            }
            let small = try DbtCloudClient(
                host: sandbox.client.host, token: APIToken(DemoWorld.token), options: ClientOptions(retry: options, pageSize: 2))
            let all = try await small.auditLogs(accountID: sandbox.account).collect()
            await small.shutdown()
            #expect(all.count == 6, "3 seeded events and 3 creates: \(all.map(\.eventType))")
            #expect(all.first?.eventType == "project.Created", "newest first")
            let pages = sandbox.requests(pathContains: "/audit-logs/")
            #expect(pages.allSatisfy { $0.path == "/api/v3/accounts/43/audit-logs/" && $0.queryValue("limit") == "2" })
            #expect(Set(pages.compactMap { $0.queryValue("offset") }) == ["0", "2", "4"])

            // The seeded events are from 2026-11-28; the new ones are from today.
            let seededDay = try await sandbox.client.auditLogs(accountID: sandbox.account, from: "2026-11-28", to: "2026-11-28").collect()
            #expect(seededDay.map(\.eventType) == ["user.LoggedIn", "run.Started", "job_definition.Changed"])
            let request = try #require(sandbox.requests(pathContains: "/audit-logs/").last)
            #expect(request.queryValue("logged_at_start") == "2026-11-28")
            #expect(request.queryValue("logged_at_end") == "2026-11-28")
            let before = try await sandbox.client.auditLogs(accountID: sandbox.account, to: "2026-11-27").collect()
            #expect(before.isEmpty)

            await #expect {
                _ = try await sandbox.client.auditLogs(accountID: sandbox.account, from: "28/11/2026").collect()
            } throws: { ($0 as? DbtCloudError)?.fieldErrors["logged_at_start"] != nil }
            #expect(throws: DbtCloudError.self) { try DbtCloudClient.auditLogDay("2026-13-01") }
            #expect(try DbtCloudClient.auditLogDay(" 2026-11-28 ") == "2026-11-28")
        }
    }
}
