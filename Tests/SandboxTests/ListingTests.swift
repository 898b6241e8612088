import Foundation
import Sandbox
import Testing
import TestSupport

@Suite("Listings, filters and job definitions")
struct ListingTests {
    @Test func runsFilterByStatusAndJob() async throws {
        try await withSandboxHTTP { client in
            let errors = try await client.get("/api/v2/accounts/43/runs/?status=20")
            let shapeErrors = Array(DemoWorld.historyFirstFailingRunID...DemoWorld.historyRunIDs.upperBound) + [962, 963, 964, 966, 968, 970, 974, 978]
            #expect(errors.list.compactMap { $0.int("id") } == [902, 924] + shapeErrors)
            let list = "%5B10,%2030%5D"
            let finished = try await client.get("/api/v2/accounts/43/runs/?job_definition_id=43168&status__in=\(list)")
            #expect(finished.list.compactMap { $0.int("id") } == [910, 911, 912, 913])
            let filters = (finished.json?["extra"] as? [String: Any])?.object("filters")
            #expect(filters?["status__in"] as? [Int] == [10, 30])
            #expect(filters?.int("job_definition_id") == 43168)
            let byProject = try await client.get("/api/v2/accounts/43/runs/?project_id=101&limit=100")
            #expect(byProject.list.allSatisfy { $0.int("project_id") == 101 })
            #expect(!byProject.list.isEmpty)
            let byEnvironment = try await client.get("/api/v2/accounts/43/runs/?environment_id=202")
            #expect(byEnvironment.list.allSatisfy { $0.int("environment_id") == 202 })
        }
    }

    @Test func runsOrdering() async throws {
        try await withSandboxHTTP { client in
            let ascending = try await client.get("/api/v2/accounts/43/runs/").list.compactMap { $0.int("id") }
            #expect(ascending == ascending.sorted())
            let newest = try await client.get("/api/v2/accounts/43/runs/?order_by=-id&limit=1").list.first?.int("id")
            #expect(newest == ascending.last)
            let byCreation = try await client.get("/api/v2/accounts/43/runs/?order_by=-created_at&limit=3").list
            #expect(byCreation.compactMap { $0.int("id") } == [976, 902, 913], "the running demo run starts with the sandbox")
            let byFinish = try await client.get("/api/v2/accounts/43/runs/?job_definition_id=43167&order_by=finished_at").list
            let finished = byFinish.compactMap { $0.string("finished_at") }
            #expect(finished == finished.sorted())
            let bad = try await client.get("/api/v2/accounts/43/runs/?order_by=colour")
            #expect(bad.status == 400)
        }
    }

    @Test func runTimestampsAndDurationsHaveTheRealShapes() async throws {
        try await withSandboxHTTP { client in
            let run = try #require(try await client.get("/api/v2/accounts/43/runs/902/").data)
            #expect(run.string("created_at") == "2026-11-28 23:57:06.318204+00:00")
            #expect(run.string("started_at") == "2026-11-28 23:57:08.318204+00:00")
            #expect(run.string("duration") == "00:00:17")
            #expect(run.string("duration_humanized") == "17 seconds")
            #expect(run.string("queued_duration") == "00:00:02")
            #expect(run.string("status_humanized") == "Error")
            #expect(run.bool("is_error") == true && run.bool("in_progress") == false)
            let ago = try #require(run.string("created_at_humanized"))
            let coarse = #/^(\d+ (minute|hour|day)s? ago|\d+ weeks?(, \d+ days?)? ago|\d+ years?(, \d+ weeks?)? ago)$/#
            #expect(ago.wholeMatch(of: coarse) != nil, "\(ago) is coarse, so listings taken a minute apart read the same")
            let job = try #require(try await client.get("/api/v2/accounts/43/jobs/43167/").data)
            let created = try #require(job.string("created_at"))
            #expect(created.contains("T") && created.hasSuffix("+00:00"))
            let cancelled = try #require(try await client.get("/api/v2/accounts/43/runs/912/").data)
            #expect(cancelled.bool("is_cancelled") == true)
            #expect(cancelled.string("status_message") == "Cancelled by user.")
        }
    }

    @Test func jobsFilterByProjectEnvironmentAndName() async throws {
        try await withSandboxHTTP { client in
            let marketing = try await client.get("/api/v2/accounts/43/jobs/?project_id=101")
            #expect(marketing.list.allSatisfy { $0.int("project_id") == 101 })
            let total = (marketing.json?["extra"] as? [String: Any])?.object("pagination")?.int("total_count") ?? 0
            let analytics = try await client.get("/api/v2/accounts/43/jobs/?project_id=100&limit=1")
            let analyticsTotal = (analytics.json?["extra"] as? [String: Any])?.object("pagination")?.int("total_count") ?? 0
            #expect(total + analyticsTotal == 141)
            let production = try await client.get("/api/v2/accounts/43/jobs/?environment_id=202")
            #expect(production.list.allSatisfy { $0.int("environment_id") == 202 })
            let named = try await client.get("/api/v2/accounts/43/jobs/?name__icontains=MARKETING%20SYNC%200")
            #expect(named.list.compactMap { $0.string("name") }.allSatisfy { $0.hasPrefix("Marketing sync 0") })
            #expect(named.list.count == 9)
            let recent = try await client.get("/api/v2/accounts/43/jobs/?pk=43167&include_related=most_recent_run,environment")
            let job = try #require(recent.list.first)
            #expect(job.object("most_recent_run")?.int("id") == 902)
            #expect(job.object("environment")?.string("name") == "Production")
        }
    }

    @Test func jobCreateUpdateAndSoftDelete() async throws {
        try await withSandboxHTTP { client in
            let invalid = try await client.post("/api/v2/accounts/43/jobs/", #"{"name": "half a job"}"#)
            #expect(invalid.status == 400)
            #expect(invalid.data?.string("_model") == "HumanReadableJobDefinition")
            #expect(invalid.data?.string("environment_id") == "required key not provided")

            let template = try #require(try await client.get("/api/v2/accounts/43/jobs/43168/").data)
            var body = template
            body["id"] = NSNull()
            body["name"] = "Created by a test"
            body["execute_steps"] = ["dbt build --select tag:daily"]
            let created = try await client.post("/api/v2/accounts/43/jobs/", String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
            #expect(created.status == 201)
            #expect((created.json?["status"] as? [String: Any])?.int("code") == 201)
            let job = try #require(created.data)
            let id = try #require(job.int("id"))
            #expect(job.string("name") == "Created by a test")

            var update = job
            update["name"] = "Renamed"
            update["id"] = 1
            let mismatch = try await client.post("/api/v2/accounts/43/jobs/\(id)/", String(decoding: try JSONSerialization.data(withJSONObject: update), as: UTF8.self))
            #expect(mismatch.status == 400)
            #expect(mismatch.data?.string("id") == "The provided id does not match.")
            update["id"] = id
            let updated = try await client.post("/api/v2/accounts/43/jobs/\(id)/", String(decoding: try JSONSerialization.data(withJSONObject: update), as: UTF8.self))
            #expect(updated.status == 200)
            #expect(updated.data?.string("name") == "Renamed")

            let run = try await client.post("/api/v2/accounts/43/jobs/\(id)/run/", #"{"cause":"new job"}"#)
            #expect(run.data?.int("job_definition_id") == id)

            let deleted = try await client.request("DELETE", "/api/v2/accounts/43/jobs/\(id)/")
            #expect(deleted.status == 200)
            #expect(deleted.data?.int("state") == 2)
            let gone = try await client.get("/api/v2/accounts/43/jobs/\(id)/")
            #expect(gone.status == 404)
            let count = try await client.get("/api/v2/accounts/43/jobs/?limit=1")
            #expect((count.json?["extra"] as? [String: Any])?.object("pagination")?.int("total_count") == 141)
            let all = try await client.get("/api/v2/accounts/43/jobs/?state=all&limit=1")
            #expect((all.json?["extra"] as? [String: Any])?.object("pagination")?.int("total_count") == 142)
        }
    }

    @Test func accountObjectsCanBeListed() async throws {
        try await withSandboxHTTP { client in
            let accounts = try await client.get("/api/v3/accounts/")
            #expect(accounts.list.first?.int("id") == 43)
            let account = try await client.get("/api/v2/accounts/43/")
            #expect(account.data?.string("name") == "Acme Analytics")
            let projects = try await client.get("/api/v3/accounts/43/projects/")
            #expect(projects.list.compactMap { $0.string("name") } == ["analytics", "marketing"])
            #expect((projects.json?["extra"] as? [String: Any])?.object("filters")?.int("limit") == 100)
            let project = try await client.get("/api/v3/accounts/43/projects/100/")
            #expect(project.data?.object("repository")?.string("full_name") == "acme/lumen_shop")
            let environments = try await client.get("/api/v3/accounts/43/projects/100/environments/")
            #expect(environments.list.compactMap { $0.int("id") } == [200, 201, 202])
            #expect(environments.list.last?.string("deployment_type") == "production")
            let accountWide = try await client.get("/api/v3/accounts/43/environments/?project_id=101")
            #expect(accountWide.list.compactMap { $0.int("id") } == [210, 211])
            let environment = try await client.get("/api/v3/accounts/43/projects/100/environments/202/")
            #expect(environment.data?.string("name") == "Production")
            let wrongProject = try await client.get("/api/v3/accounts/43/projects/101/environments/202/")
            #expect(wrongProject.status == 404)
            for path in ["connections/", "projects/100/repositories/", "groups/", "service-tokens/", "users/", "audit-logs/"] {
                let response = try await client.get("/api/v3/accounts/43/\(path)")
                #expect(response.status == 200, "\(path)")
                #expect(!response.list.isEmpty, "\(path)")
            }
            let webhooks = try await client.get("/api/v3/accounts/43/webhooks/subscriptions")
            #expect((webhooks.json?["status"] as? [String: Any])?.keys.sorted() == ["code"])
            let hookID = try #require(webhooks.list.first?.string("id"))
            let hook = try await client.get("/api/v3/accounts/43/webhooks/subscription/\(hookID)")
            #expect(hook.data?.string("name") == "Failures to Slack")
            let whoami = try await client.get("/api/v2/whoami/")
            #expect(whoami.data?.string("email") == "dana@acme.example")
            let users = try await client.get("/api/v2/accounts/43/users/")
            #expect(users.list.count == 3)
            let notifications = try await client.get("/api/v2/accounts/43/notifications/")
            #expect(notifications.list.first?["on_failure"] as? [Int] == [43167, 43168])
        }
    }

    @Test func extraRunsAreSeededForBenchmarks() async throws {
        try await withSandboxHTTP(SandboxConfiguration(stepSeconds: 0.05, extraRuns: 2_600)) { client in
            let page = try await client.get("/api/v2/accounts/43/runs/?limit=100&offset=2600")
            let total = (page.json?["extra"] as? [String: Any])?.object("pagination")?.int("total_count")
            #expect(total == 2_666)
            #expect(page.list.count == 66)
            let failed = try await client.get("/api/v2/accounts/43/runs/?status=20&limit=1")
            #expect(((failed.json?["extra"] as? [String: Any])?.object("pagination")?.int("total_count") ?? 0) > 150)
        }
    }
}
