import AsyncHTTPClient
import Foundation
import Sandbox
import Testing
import TestSupport

@Suite("Fault injection and request log")
struct FaultTests {
    @Test func tooManyRequestsEveryOtherRequest() async throws {
        try await withSandboxHTTP { client in
            client.server.faults.add(FaultRule(.tooManyRequests(retryAfterSeconds: 7), every: 2, pathContains: "/jobs/"))
            let first = try await client.get("/api/v2/accounts/43/jobs/")
            let second = try await client.get("/api/v2/accounts/43/jobs/")
            let third = try await client.get("/api/v2/accounts/43/jobs/")
            let other = try await client.get("/api/v2/accounts/43/runs/")
            let statuses: [Int] = [first.status, second.status, third.status, other.status]
            #expect(statuses == [200, 429, 200, 200])
            #expect(second.header("Retry-After") == "7")
            #expect((second.json?["status"] as? [String: Any])?.int("code") == 429)
        }
    }

    @Test(arguments: [500, 503, 504])
    func serverErrorsKeepTheEnvelope(_ status: Int) async throws {
        try await withSandboxHTTP { client in
            client.server.faults.add(FaultRule(.serverError(status: status), times: 1))
            let failed = try await client.get("/api/v2/accounts/43/runs/902/")
            #expect(failed.status == status)
            #expect(failed.userMessage == "There was a server error. Please contact support!")
            let recovered = try await client.get("/api/v2/accounts/43/runs/902/")
            #expect(recovered.status == 200, "times: 1 fires once")
        }
    }

    @Test func htmlBadGateway() async throws {
        try await withSandboxHTTP { client in
            client.server.faults.add(FaultRule(.htmlBadGateway, method: "GET"))
            let response = try await client.get("/api/v2/accounts/43/jobs/")
            #expect(response.status == 502)
            #expect(response.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(response.text.contains("<h1>502 Bad Gateway</h1>"))
            #expect(response.json == nil)
            let post = try await client.post("/api/v2/accounts/43/jobs/43168/run/", #"{"cause":"x"}"#)
            #expect(post.status == 200, "the rule is for GET only")
        }
    }

    @Test func connectionResetClosesWithoutAResponse() async throws {
        try await withSandboxHTTP { client in
            client.server.faults.add(FaultRule(.connectionReset, times: 1, method: "POST"))
            await #expect(throws: (any Error).self) {
                _ = try await client.post("/api/v2/accounts/43/jobs/43168/run/", #"{"cause":"reset"}"#)
            }
            let logged = client.server.requestLog.entries()
            #expect(logged.count == 1)
            #expect(logged.first?.path == "/api/v2/accounts/43/jobs/43168/run/")
            #expect(logged.first.flatMap { $0.body.map { String(decoding: $0, as: UTF8.self) } } == #"{"cause":"reset"}"#)
            let runs = try await client.get("/api/v2/accounts/43/runs/?job_definition_id=43168&id__gt=99999")
            #expect(runs.list.isEmpty, "the reset request had no effect")
        }
    }

    @Test func slowAnswersAfterTheDelay() async throws {
        try await withSandboxHTTP { client in
            client.server.faults.add(FaultRule(.slow(seconds: 0.4), times: 1))
            let start = Date()
            let response = try await client.get("/api/v2/accounts/43/")
            #expect(response.status == 200)
            #expect(Date().timeIntervalSince(start) >= 0.4)
        }
    }

    @Test func truncatedJSONIsCutInHalf() async throws {
        try await withSandboxHTTP { client in
            let whole = try await client.get("/api/v2/accounts/43/runs/902/")
            client.server.faults.add(FaultRule(.truncatedJSON, times: 1))
            let cut = try await client.get("/api/v2/accounts/43/runs/902/")
            #expect(cut.status == 200)
            #expect(cut.body.count == whole.body.count / 2)
            #expect(cut.json == nil)
        }
    }

    @Test func clearRemovesTheRules() async throws {
        try await withSandboxHTTP { client in
            client.server.faults.add(FaultRule(.serverError(status: 500)))
            let failing = try await client.get("/api/v2/accounts/43/")
            #expect(failing.status == 500)
            client.server.faults.clear()
            let healthy = try await client.get("/api/v2/accounts/43/")
            #expect(healthy.status == 200)
        }
    }

    @Test func requestLogRecordsWhatWasSent() async throws {
        try await withSandboxHTTP { client in
            _ = try await client.get("/api/v2/accounts/43/runs/?limit=5&order_by=-id")
            _ = try await client.request("POST", "/api/v2/accounts/43/jobs/43168/run/", body: #"{"cause":"log"}"#, authorization: "Bearer \(DemoWorld.token)")
            let entries = client.server.requestLog.entries()
            #expect(entries.count == 2)
            #expect(entries[0].method == "GET")
            #expect(entries[0].path == "/api/v2/accounts/43/runs/")
            #expect(entries[0].query == "limit=5&order_by=-id")
            #expect(entries[0].body == nil)
            #expect(entries[0].authorization == "Token \(DemoWorld.token)")
            #expect(entries[1].method == "POST")
            #expect(entries[1].authorization == "Bearer \(DemoWorld.token)")
            #expect(entries[1].body == Data(#"{"cause":"log"}"#.utf8))
        }
    }
}
