import Foundation
import Sandbox
import Testing

/// Issue 11.5: read-only set by `--readonly` or `DBT_CLOUD_READONLY` holds for the whole process.
@Suite("read-only of the built dbtsh")
struct ReadonlyEndToEndTests {
    @Test("--readonly holds: set readonly off is refused and nothing is triggered")
    func readonlyFlagHolds() async throws {
        try await withFaultSandbox { server, home in
            let stopped = try await SpawnedDbtsh.run(
                ["--host", server.baseURL.absoluteString, "--readonly", "-c", "set readonly off; use job 43167; run"], home: home)
            #expect(stopped.status == 2, "\(stopped)")
            #expect(stopped.stderrLines == ["error: set readonly off: refused, read-only was set by --readonly or DBT_CLOUD_READONLY and holds for the whole session"],
                    "\(stopped)")
            let onward = try await SpawnedDbtsh.run(
                ["--host", server.baseURL.absoluteString, "--readonly", "-c", "set errexit off; set readonly off; use job 43167; run"],
                home: home)
            #expect(onward.status == 2, "\(onward)")
            #expect(onward.stderrLines.last?.hasPrefix("error: run: refused, the session is read-only") == true, "\(onward)")
            #expect(server.requestLog.entries().allSatisfy { $0.method == "GET" }, "only GETs reached the server")
        }
    }

    @Test("DBT_CLOUD_READONLY=1 holds: cancel is refused after set readonly off")
    func readonlyEnvironmentHolds() async throws {
        try await withFaultSandbox { server, home in
            let result = try await SpawnedDbtsh.run(script: "set errexit off\nset readonly off\ncancel 902\n", on: server, home: home,
                                                    environment: ["DBT_CLOUD_READONLY": "1"])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines.count == 2 && result.stderrLines.last?.hasPrefix("error: cancel: refused") == true, "\(result)")
            #expect(server.requestLog.entries().allSatisfy { $0.method == "GET" }, "nothing but GETs")
        }
    }
}
