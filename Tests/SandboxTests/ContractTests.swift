import Foundation
import Sandbox
import Testing
import TestSupport

@Suite("Wire contract")
struct ContractTests {
    @Test func jobsPageInTwoPagesOf100() async throws {
        try await withSandboxHTTP { client in
            let first = try await client.get("/api/v2/accounts/43/jobs/?limit=100&offset=0")
            let second = try await client.get("/api/v2/accounts/43/jobs/?limit=100&offset=100")
            #expect(first.status == 200)
            #expect(first.list.count == 100)
            #expect(second.list.count == 41)
            let extra = try #require(second.json?["extra"] as? [String: Any])
            #expect(extra.object("pagination")?.int("total_count") == 141)
            #expect(extra.object("pagination")?.int("count") == 41)
            #expect(extra.object("filters")?.int("limit") == 100)
            #expect(extra.object("filters")?.int("offset") == 100)
            let ids = (first.list + second.list).compactMap { $0.int("id") }
            #expect(Set(ids).count == 141)
            #expect(ids == ids.sorted())
        }
    }

    @Test func limitAbove100IsRejected() async throws {
        try await withSandboxHTTP { client in
            let response = try await client.get("/api/v2/accounts/43/runs/?limit=101")
            #expect(response.status == 400)
            let status = try #require(response.json?["status"] as? [String: Any])
            #expect(status.int("code") == 400)
            #expect(status.bool("is_success") == false)
            #expect(response.userMessage?.contains("100") == true)
        }
    }

    @Test func missingTrailingSlashDoesNotSucceed() async throws {
        try await withSandboxHTTP { client in
            let get = try await client.get("/api/v2/accounts/43/jobs/43167")
            #expect(get.status == 301)
            #expect(get.header("Location") == "/api/v2/accounts/43/jobs/43167/")
            #expect(get.body.isEmpty)
            let extraSlash = try await client.get("/api/v3/accounts/43/webhooks/subscriptions/")
            #expect(extraSlash.status == 404)
            let webhooks = try await client.get("/api/v3/accounts/43/webhooks/subscriptions")
            #expect(webhooks.status == 200)
        }
    }

    @Test func redirectedTriggerEndsIn405AsOnDbtCloud() async throws {
        try await withSandboxHTTP { client in
            let post = try await client.post("/api/v2/accounts/43/jobs/43167/run", #"{"cause":"x"}"#)
            #expect(post.status == 301)
            let followed = try await client.get(try #require(post.header("Location")))
            #expect(followed.status == 405)
            #expect(followed.json?["detail"] as? String == "Method \"GET\" not allowed.")
        }
    }

    @Test func tokensAreChecked() async throws {
        try await withSandboxHTTP { client in
            let missing = try await client.get("/api/v2/accounts/43/jobs/", authorization: nil)
            let wrong = try await client.get("/api/v2/accounts/43/jobs/", authorization: "Token nope")
            let noPrefix = try await client.get("/api/v2/accounts/43/jobs/", authorization: DemoWorld.token)
            for response in [missing, wrong, noPrefix] {
                #expect(response.status == 401)
                #expect(response.text == #"{"status": {"code": 401, "is_success": false, "user_message": "Invalid token.", "developer_message": null}, "data": null}"#)
            }
            let bearer = try await client.get("/api/v2/accounts/43/jobs/", authorization: "bearer \(DemoWorld.token)")
            #expect(bearer.status == 200)
        }
    }

    @Test func readOnlyTokenGets403OnWrites() async throws {
        try await withSandboxHTTP { client in
            let read = try await client.get("/api/v2/accounts/43/jobs/43167/", authorization: "Token \(DemoWorld.readOnlyToken)")
            #expect(read.status == 200)
            let write = try await client.request(
                "POST", "/api/v2/accounts/43/jobs/43167/run/", body: #"{"cause":"x"}"#,
                authorization: "Token \(DemoWorld.readOnlyToken)")
            #expect(write.status == 403)
            #expect(write.userMessage == "Forbidden: You do not have permission to access this resource.")
        }
    }

    @Test func unknownAccountAndObjectsAre404() async throws {
        try await withSandboxHTTP { client in
            let account = try await client.get("/api/v2/accounts/44/jobs/")
            #expect(account.status == 404)
            #expect(account.userMessage == "The requested resource was not found. Please check that you have the proper permissions.")
            let job = try await client.get("/api/v2/accounts/43/jobs/99999/")
            #expect(job.status == 404)
            let route = try await client.get("/api/v2/accounts/43/nothing/")
            #expect(route.status == 404)
        }
    }

    @Test(arguments: ["run_steps,job", #"["run_steps", "job"]"#, "['run_steps','job']", "[run_steps, job]"])
    func includeRelatedForms(_ form: String) async throws {
        try await withSandboxHTTP { client in
            let encoded = form.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let run = try #require(try await client.get("/api/v2/accounts/43/runs/902/?include_related=\(encoded)").data)
            #expect(run.objects("run_steps").count == 3)
            #expect(run.object("job")?.int("id") == 43167)
            #expect(run["trigger"] is NSNull)
        }
    }
}
