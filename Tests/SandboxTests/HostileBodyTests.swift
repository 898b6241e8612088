import Foundation
import Sandbox
import Testing
import TestSupport

/// Numbers no integer can hold, in request bodies and queries: the sandbox answers, it never traps.
@Suite("The sandbox against absurd numbers")
struct HostileBodyTests {
    static let absurd = ["1e300", "-1e300", "1.7976931348623157e308", "9223372036854775808", "-9223372036854775809", "1e19", "0.5", "4.9e-324"]

    @Test("a job body with project_id 1e300 and friends gets a 4xx or a job", arguments: absurd)
    func absurdNumbersInABody(_ number: String) async throws {
        try await withSandboxHTTP { client in
            let body = #"{"id":null,"account_id":43,"project_id":\#(number),"environment_id":\#(number),"name":"x","execute_steps":["dbt build"],"settings":{"threads":\#(number)}}"#
            let created = try await client.post("/api/v2/accounts/43/jobs/", body)
            #expect((200..<500).contains(created.status), "\(created.status) \(created.text)")
            let updated = try await client.post("/api/v2/accounts/43/jobs/43167/", body.replacingOccurrences(of: #""id":null"#, with: #""id":43167"#))
            #expect((200..<500).contains(updated.status), "\(updated.status) \(updated.text)")
            let triggered = try await client.post("/api/v2/accounts/43/jobs/43168/run/", #"{"cause":"x","threads_override":\#(number),"timeout_seconds_override":\#(number)}"#)
            #expect((200..<500).contains(triggered.status), "\(triggered.status) \(triggered.text)")
        }
    }

    @Test("absurd numbers in queries get a 4xx or a listing", arguments: absurd)
    func absurdNumbersInAQuery(_ number: String) async throws {
        try await withSandboxHTTP { client in
            for path in ["jobs/?project_id=\(number)", "runs/?job_definition_id=\(number)&limit=\(number)", "runs/?offset=\(number)",
                         "runs/\(number)/", "jobs/?=", "runs/?status__in=[\(number)]"] {
                let response = try await client.get("/api/v2/accounts/43/" + path)
                #expect((200..<500).contains(response.status), "\(path): \(response.status)")
            }
        }
    }
}
