import Foundation
import Sandbox
import Testing
@testable import DbtCloud
import TestSupport

@Suite("Endpoints over real loopback HTTP against the sandbox")
struct EndpointTests {
    @Test func jobListingPagesThroughEveryJobWithLimit100() async throws {
        try await withSandbox { sandbox in
            let jobs = try await sandbox.client.listJobs(accountID: sandbox.account).collect()
            #expect(jobs.count == 141)
            #expect(Set(jobs.map(\.id)).count == 141)
            #expect(jobs.map(\.id) == jobs.map(\.id).sorted())
            #expect(jobs.contains { $0.id == DemoWorld.failingJobID && $0.name == "Nightly build" })
            let requests = sandbox.requests(method: "GET", pathContains: "/jobs/")
            #expect(requests.map(\.path).allSatisfy { $0 == "/api/v2/accounts/43/jobs/" })
            #expect(requests.compactMap { $0.queryValue("offset") }.sorted() == ["0", "100"])
            #expect(requests.allSatisfy { $0.queryValue("limit") == "100" })
            #expect(requests.allSatisfy { $0.authorization == "Token \(DemoWorld.token)" })
        }
    }

    @Test func jobFiltersAreSentAsQueryParameters() async throws {
        try await withSandbox { sandbox in
            let filter = JobFilter(projectID: DemoWorld.analyticsProjectID, environmentID: 202, nameContains: "nightly build")
            let jobs = try await sandbox.client.listJobs(accountID: sandbox.account, filter: filter).collect()
            #expect(jobs.map(\.id) == [DemoWorld.failingJobID])
            let request = try #require(sandbox.requests(pathContains: "/jobs/").first)
            #expect(request.queryValue("project_id") == "100")
            #expect(request.queryValue("environment_id") == "202")
            #expect(request.queryValue("name__icontains") == "nightly build")
        }
    }

    @Test func oneJob() async throws {
        try await withSandbox { sandbox in
            let job = try await sandbox.client.job(accountID: sandbox.account, id: DemoWorld.failingJobID)
            #expect(job.name == "Nightly build")
            #expect(job.projectID == 100)
            #expect(job.environmentID == 202)
            #expect(job.generateDocs == true)
            #expect(job.executeSteps == ["dbt source freshness", "dbt build"])
            #expect(job.raw["id"] == .int(DemoWorld.failingJobID))
            #expect(sandbox.requests().last?.path == "/api/v2/accounts/43/jobs/43167/")
        }
    }

    @Test func missingJobIs404WithTheAPIsMessage() async throws {
        try await withSandbox { sandbox in
            await #expect {
                _ = try await sandbox.client.job(accountID: sandbox.account, id: 9)
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.kind == .notFound
                    && error?.description.hasPrefix("GET /api/v2/accounts/43/jobs/9/: 404 ") == true
                    && error?.description.contains("not found") == true
            }
        }
    }

    @Test func badTokenIsAuthErrorAndNeverShowsTheToken() async throws {
        try await withSandbox(token: "wrong-token-abcdef") { sandbox in
            await #expect {
                _ = try await sandbox.client.job(accountID: sandbox.account, id: DemoWorld.failingJobID)
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.kind == .authentication
                    && error?.description.contains("401") == true
                    && error?.description.contains("wrong-token-abcdef") == false
            }
            #expect(sandbox.requests().count == 1, "401 is not retried")
            #expect(!sandbox.traceLines.lines.joined().contains("wrong-token-abcdef"))
        }
    }

    @Test func runsNewestFirstWithIntegerStatuses() async throws {
        try await withSandbox { sandbox in
            let page = try await sandbox.client.runs(
                accountID: sandbox.account, filter: RunFilter(jobID: DemoWorld.failingJobID), limit: 10)
            #expect(page.items.map(\.id) == [902, 901, 900])
            #expect(page.totalCount == 3)
            #expect(page.items.first?.status == .error)
            var request = try #require(sandbox.requests(pathContains: "/runs/").last)
            #expect(request.path == "/api/v2/accounts/43/runs/")
            #expect(request.queryValue("order_by") == "-id")
            #expect(request.queryValue("job_definition_id") == "43167")
            #expect(request.queryValue("limit") == "10")

            let failed = try await sandbox.client.runs(
                accountID: sandbox.account, filter: RunFilter(jobID: DemoWorld.succeedingJobID, statuses: [.cancelled, .error]))
            #expect(failed.items.map(\.id) == [912])
            request = try #require(sandbox.requests(pathContains: "/runs/").last)
            #expect(request.queryValue("status__in") == "[30,20]")

            let latest = try await sandbox.client.latestRun(
                accountID: sandbox.account, jobID: DemoWorld.succeedingJobID, statuses: [.success])
            #expect(latest?.id == 913)
            request = try #require(sandbox.requests(pathContains: "/runs/").last)
            #expect(request.queryValue("status") == "10")
            #expect(request.queryValue("limit") == "1")
        }
    }

    @Test func runWithStepsSendsIncludeRelatedAsAJSONList() async throws {
        try await withSandbox { sandbox in
            let run = try await sandbox.client.run(accountID: sandbox.account, id: DemoWorld.failedRunID, include: [.runSteps, .debugLogs])
            #expect(run.status == .error)
            #expect(run.steps.map(\.index) == [1, 2, 3])
            #expect(run.steps.map(\.name).contains { $0?.contains("dbt build") == true })
            #expect(run.steps.first { $0.index == 2 }?.status == .error)
            let request = try #require(sandbox.requests(pathContains: "/runs/902/").last)
            #expect(request.path == "/api/v2/accounts/43/runs/902/")
            #expect(request.queryValue("include_related") == #"["run_steps","debug_logs"]"#)

            let stepID = try #require(run.steps.first?.id)
            let step = try await sandbox.client.step(accountID: sandbox.account, id: stepID, includeDebugLogs: true)
            #expect(step.id == stepID)
            #expect(sandbox.requests().last?.path == "/api/v2/accounts/43/steps/\(stepID)/")
        }
    }

    @Test func triggerSendsEveryOverrideOnceAndTheRunProgressesToItsEnd() async throws {
        try await withSandbox(.init(stepSeconds: 0.05)) { sandbox in
            let trigger = TriggerRunRequest(
                cause: "dbtsh test", gitSHA: "abc123", gitBranch: "feature/x", schemaOverride: "dbt_pr_1",
                dbtVersionOverride: "1.9.0", threadsOverride: 8, targetNameOverride: "ci", generateDocsOverride: false,
                timeoutSecondsOverride: 600, stepsOverride: ["dbt build -s orders"])
            let run = try await sandbox.client.triggerRun(accountID: sandbox.account, jobID: DemoWorld.succeedingJobID, trigger)
            #expect(run.id >= 100_000)
            #expect(run.status == .queued)
            let posts = sandbox.requests(method: "POST")
            #expect(posts.count == 1)
            #expect(posts[0].path == "/api/v2/accounts/43/jobs/43168/run/")
            #expect(posts[0].jsonBody == trigger.json)
            #expect(posts[0].jsonBody?["steps_override"] == ["dbt build -s orders"])
            #expect(posts[0].jsonBody?["threads_override"] == 8)

            let finished = try await sandbox.client.waitForRun(accountID: sandbox.account, id: run.id, interval: .milliseconds(50))
            #expect(finished.status?.isTerminal == true)
            #expect(finished.trigger?.cause == "dbtsh test" || finished.trigger == nil)
        }
    }

    @Test func cancelRetryRerunAndFailureDetails() async throws {
        try await withSandbox(.init(stepSeconds: 5)) { sandbox in
            let run = try await sandbox.client.triggerRun(accountID: sandbox.account, jobID: DemoWorld.succeedingJobID)
            let cancelled = try await sandbox.client.cancelRun(accountID: sandbox.account, id: run.id)
            #expect(cancelled.status == .cancelled)
            #expect(sandbox.requests(method: "POST").last?.path == "/api/v2/accounts/43/runs/\(run.id)/cancel/")

            let details = try await sandbox.client.failureDetails(accountID: sandbox.account, runID: DemoWorld.failedRunID)
            #expect(details.failedStep != nil)
            #expect(sandbox.requests(method: "GET").last?.path == "/api/v2/accounts/43/runs/902/retry/")

            let retried = try await sandbox.client.retryRun(accountID: sandbox.account, id: DemoWorld.failedRunID)
            #expect(retried.id != DemoWorld.failedRunID)
            #expect(sandbox.requests(method: "POST").last?.path == "/api/v2/accounts/43/runs/902/retry/")

            let rerun = try await sandbox.client.rerunJob(accountID: sandbox.account, jobID: DemoWorld.failingJobID)
            #expect(rerun.jobID == DemoWorld.failingJobID)
            #expect(sandbox.requests(method: "POST").last?.path == "/api/v2/accounts/43/jobs/43167/rerun/")
        }
    }

    @Test func createUpdateDeleteAJobAsData() async throws {
        try await withSandbox { sandbox in
            let source = try await sandbox.client.job(accountID: sandbox.account, id: DemoWorld.succeedingJobID)
            let definition = source.raw.setting("name", to: "Copied job")
            let created = try await sandbox.client.createJob(accountID: sandbox.account, definition: definition)
            #expect(created.id != source.id)
            #expect(created.name == "Copied job")
            let createPost = try #require(sandbox.requests(method: "POST").last)
            #expect(createPost.path == "/api/v2/accounts/43/jobs/")
            #expect(createPost.jsonBody?["id"] == .null)

            let updated = try await sandbox.client.updateJob(
                accountID: sandbox.account, id: created.id, changes: ["settings.threads": 12, "name": "Renamed"])
            #expect(updated.threads == 12)
            #expect(updated.name == "Renamed")
            let updatePost = try #require(sandbox.requests(method: "POST").last)
            #expect(updatePost.path == "/api/v2/accounts/43/jobs/\(created.id)/")
            #expect(updatePost.jsonBody?["id"] == .int(created.id), "update sends the full object including id")
            #expect(updatePost.jsonBody?["execute_steps"] == source.raw["execute_steps"])

            let deleted = try await sandbox.client.deleteJob(accountID: sandbox.account, id: created.id)
            #expect(deleted == nil || deleted?.state == 2)
            #expect(sandbox.requests(method: "DELETE").map(\.path) == ["/api/v2/accounts/43/jobs/\(created.id)/"])
        }
    }

    @Test func invalidJobCreateReports400FieldErrors() async throws {
        try await withSandbox { sandbox in
            await #expect {
                _ = try await sandbox.client.createJob(accountID: sandbox.account, definition: ["name": "incomplete"])
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.status == 400 && error?.kind == .rejected && error?.fieldErrors.isEmpty == false
                    && error?.description.hasPrefix("POST /api/v2/accounts/43/jobs/: 400 ") == true
            }
        }
    }

    @Test func artifactsListReadAndStepQuery() async throws {
        try await withSandbox { sandbox in
            let paths = try await sandbox.client.runArtifacts(accountID: sandbox.account, runID: DemoWorld.failedRunID, step: 2)
            #expect(paths.contains("run_results.json"))
            #expect(sandbox.requests().last?.path == "/api/v2/accounts/43/runs/902/artifacts/")
            #expect(sandbox.requests().last?.queryValue("step") == "2")

            let data = try await sandbox.client.artifactData(
                accountID: sandbox.account, runID: DemoWorld.failedRunID, path: "run_results.json", step: 2)
            let results = try JSONValue(parsing: data)
            #expect(results["results"]?.arrayValue?.isEmpty == false)
            #expect(sandbox.requests().last?.path == "/api/v2/accounts/43/runs/902/artifacts/run_results.json")

            let lastStep = try await sandbox.client.artifactData(
                accountID: sandbox.account, runID: DemoWorld.failedRunID, path: "run_results.json")
            #expect(lastStep != data, "without ?step the last step (docs generate) is served")
        }
    }

    @Test func artifactPathsWithDotDotAreRefusedBeforeAnyRequest() async throws {
        try await withSandbox { sandbox in
            await #expect(throws: DbtCloudError.self) {
                _ = try await sandbox.client.artifactData(accountID: sandbox.account, runID: 902, path: "../../etc/passwd")
            }
            #expect(sandbox.requests().isEmpty)
        }
    }

    @Test func downloadWritesTheCompleteFile() async throws {
        try await withSandbox { sandbox in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-dl-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let target = directory.appendingPathComponent("manifest.json")
            let bytes = try await sandbox.client.downloadArtifact(
                accountID: sandbox.account, runID: DemoWorld.failedRunID, path: "manifest.json", step: 2, to: target)
            let written = try Data(contentsOf: target)
            #expect(Int64(written.count) == bytes)
            #expect(try JSONValue(parsing: written)["nodes"] != nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["manifest.json"])
        }
    }

    @Test func accountAdministrationListsAndGets() async throws {
        try await withSandbox { sandbox in
            let client = sandbox.client
            let accounts = try await client.accounts().collect()
            #expect(accounts.map(\.id) == [43])
            #expect(try await client.soleAccountID() == 43)
            #expect(try await client.account(id: 43).name == "Acme Analytics")
            let projects = try await client.projects(accountID: 43).collect()
            #expect(projects.map(\.id) == [100, 101])
            #expect(try await client.project(accountID: 43, id: 100).name == "analytics")
            let environments = try await client.environments(accountID: 43, projectID: 100).collect()
            #expect(environments.map(\.id) == [200, 201, 202])
            #expect(environments.last?.deploymentType == "production")
            #expect(try await client.environment(accountID: 43, projectID: 100, id: 202).name == "Production")
            #expect(try await client.environments(accountID: 43).collect().count == 5)
            let connections = try await client.connections(accountID: 43).collect()
            #expect(!connections.isEmpty)
            _ = try await client.connection(accountID: 43, id: connections[0].id)
            let repositories = try await client.repositories(accountID: 43, projectID: 100).collect()
            #expect(!repositories.isEmpty)
            #expect(!(try await client.users(accountID: 43).collect()).isEmpty)
            #expect(!(try await client.groups(accountID: 43).collect()).isEmpty)
            _ = try await client.serviceTokens(accountID: 43).collect()
            let hooks = try await client.webhooks(accountID: 43).collect()
            if let hook = hooks.first {
                #expect(try await client.webhook(accountID: 43, id: hook.id).id == hook.id)
            }
            _ = try await client.notifications(accountID: 43).collect()
            _ = try await client.auditLogs(accountID: 43).collect()

            let paths = Set(sandbox.requests().map(\.path))
            for expected in [
                "/api/v3/accounts/", "/api/v2/accounts/43/", "/api/v3/accounts/43/projects/", "/api/v3/accounts/43/projects/100/",
                "/api/v3/accounts/43/projects/100/environments/", "/api/v3/accounts/43/projects/100/environments/202/",
                "/api/v3/accounts/43/environments/", "/api/v3/accounts/43/connections/",
                "/api/v3/accounts/43/projects/100/repositories/", "/api/v3/accounts/43/users/", "/api/v3/accounts/43/groups/",
                "/api/v3/accounts/43/service-tokens/", "/api/v3/accounts/43/webhooks/subscriptions",
                "/api/v2/accounts/43/notifications/", "/api/v3/accounts/43/audit-logs/",
            ] {
                #expect(paths.contains(expected), "\(expected) was not requested")
            }
        }
    }

    @Test func genericRequestForTheAPICommand() async throws {
        try await withSandbox { sandbox in
            let response = try await sandbox.client.send("get", "/api/v2/accounts/43/jobs/43167/")
            #expect(response.status == 200)
            #expect(response.data?["name"] == "Nightly build")
            #expect(response.json?["status"]?["code"] == 200)

            let withQuery = try await sandbox.client.send("GET", "/v2/accounts/43/runs/?limit=2", query: [("order_by", "-id")])
            #expect(withQuery.data?.arrayValue?.count == 2)
            let logged = try #require(sandbox.requests().last)
            #expect(logged.path == "/api/v2/accounts/43/runs/")
            #expect(logged.queryValue("limit") == "2")
            #expect(logged.queryValue("order_by") == "-id")

            await #expect {
                _ = try await sandbox.client.send("GET", "/api/v2/accounts/43/jobs/1/")
            } throws: { error in
                (error as? DbtCloudError)?.responseBody?["status"]?["code"] == 404
            }
        }
    }

    @Test func discoveryGraphQLWithVariablesErrorsAndCursorPaging() async throws {
        try await withSandbox { sandbox in
            let query = """
                query($environmentId: BigInt!, $first: Int, $after: String) {
                  environment(id: $environmentId) { applied { models(first: $first, after: $after) {
                    totalCount pageInfo { hasNextPage endCursor } edges { node { name uniqueId } } } } }
                }
                """
            let data = try await sandbox.client.graphQL(query: query, variables: ["environmentId": 202, "first": 5])
            let firstPage = data.value(at: ["environment", "applied", "models", "edges"])?.arrayValue ?? []
            #expect(!firstPage.isEmpty)
            let post = try #require(sandbox.requests(method: "POST").last)
            #expect(post.path == "/graphql")
            #expect(post.authorization == "Bearer \(DemoWorld.token)")
            #expect(post.jsonBody?["variables"]?["environmentId"] == 202)

            var names: [String] = []
            for try await node in sandbox.client.graphQLNodes(
                query: query, variables: ["environmentId": 202], connectionPath: ["environment", "applied", "models"], pageSize: 3)
            {
                names.append(node["uniqueId"]?.stringValue ?? "")
            }
            let total = data.value(at: ["environment", "applied", "models", "totalCount"])?.intValue
            #expect(names.count == total)
            #expect(Set(names).count == names.count)

            await #expect {
                _ = try await sandbox.client.graphQL(query: "{ nope }")
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.kind == .graphQL
            }
        }
    }

    @Test func verboseTraceShowsEveryRequestWithTheTokenMasked() async throws {
        try await withSandbox { sandbox in
            _ = try await sandbox.client.job(accountID: sandbox.account, id: DemoWorld.failingJobID)
            let lines = sandbox.traceLines.lines
            #expect(lines.count == 2)
            #expect(lines[0].hasPrefix("-> GET http://127.0.0.1:"))
            #expect(lines[0].hasSuffix("/api/v2/accounts/43/jobs/43167/ (Authorization: Token ****)"))
            #expect(lines[1].contains("<- 200 GET "))
            #expect(lines[1].contains(" ms "))
            #expect(!lines.joined().contains(DemoWorld.token))
        }
    }
}
