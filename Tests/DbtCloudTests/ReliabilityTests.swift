import Foundation
import Sandbox
import Testing
@testable import DbtCloud
import TestSupport

@Suite("Retries, timeouts, cancellation and interrupted downloads against the sandbox's faults")
struct ReliabilityTests {
    @Test func tooManyRequestsHonoursRetryAfterThenSucceeds() async throws {
        try await withSandbox { sandbox in
            sandbox.server.faults.add(FaultRule(.tooManyRequests(retryAfterSeconds: 1), every: 1, times: 1, method: "GET", pathContains: "/jobs/"))
            let started = ContinuousClock.now
            let job = try await sandbox.client.job(accountID: sandbox.account, id: DemoWorld.failingJobID)
            let elapsed = ContinuousClock.now - started
            #expect(job.id == DemoWorld.failingJobID)
            #expect(sandbox.requests(pathContains: "/jobs/").count == 2)
            #expect(elapsed >= .milliseconds(950), "Retry-After: 1 was not honoured (\(elapsed))")
        }
    }

    @Test func threeServiceUnavailablesThenSuccess() async throws {
        try await withSandbox { sandbox in
            sandbox.server.faults.add(FaultRule(.serverError(status: 503), every: 1, times: 3, method: "GET", pathContains: "/runs/"))
            let run = try await sandbox.client.run(accountID: sandbox.account, id: DemoWorld.failedRunID)
            #expect(run.id == DemoWorld.failedRunID)
            #expect(sandbox.requests(pathContains: "/runs/").count == 4)
            #expect(sandbox.traceLines.lines.filter { $0.contains("retrying") }.count == 3)
        }
    }

    @Test func htmlBadGatewayBeyondTheRetryBudgetIsOneServerError() async throws {
        try await withSandbox { sandbox in
            sandbox.server.faults.add(FaultRule(.htmlBadGateway, method: "GET", pathContains: "/runs/"))
            await #expect {
                _ = try await sandbox.client.run(accountID: sandbox.account, id: DemoWorld.failedRunID)
            } throws: { error in
                guard let error = error as? DbtCloudError else { return false }
                return error.kind == .server && error.status == 502 && error.attempts == 4
                    && error.description.hasPrefix("GET /api/v2/accounts/43/runs/902/: 502 ")
                    && !error.description.contains("\n") && !error.description.contains("<")
                    && error.description.count < 200
            }
            #expect(sandbox.requests(pathContains: "/runs/").count == 4)
        }
    }

    @Test func resetDuringTriggerIsNeverSentTwice() async throws {
        try await withSandbox { sandbox in
            sandbox.server.faults.add(FaultRule(.connectionReset, every: 1, times: 1, method: "POST", pathContains: "/run/"))
            await #expect {
                _ = try await sandbox.client.triggerRun(accountID: sandbox.account, jobID: DemoWorld.succeedingJobID)
            } throws: { error in
                (error as? DbtCloudError)?.kind == .network
            }
            #expect(sandbox.requests(method: "POST").count == 1)
        }
    }

    @Test func resetDuringGetIsRetried() async throws {
        try await withSandbox { sandbox in
            sandbox.server.faults.add(FaultRule(.connectionReset, every: 1, times: 2, method: "GET", pathContains: "/jobs/"))
            let job = try await sandbox.client.job(accountID: sandbox.account, id: DemoWorld.succeedingJobID)
            #expect(job.id == DemoWorld.succeedingJobID)
            #expect(sandbox.requests(pathContains: "/jobs/").count == 3)
        }
    }

    @Test func tooManyRequestsOnAPostIsRetriedBecauseItWasNotProcessed() async throws {
        try await withSandbox { sandbox in
            sandbox.server.faults.add(FaultRule(.tooManyRequests(retryAfterSeconds: 0), every: 1, times: 1, method: "POST", pathContains: "/run/"))
            let run = try await sandbox.client.triggerRun(accountID: sandbox.account, jobID: DemoWorld.succeedingJobID)
            #expect(run.status == .queued)
            #expect(sandbox.requests(method: "POST").count == 2)
            let runs = try await sandbox.client.runs(accountID: sandbox.account, filter: RunFilter(jobID: DemoWorld.succeedingJobID))
            #expect(runs.items.filter { $0.id >= 100_000 }.count == 1, "exactly one run was created")
        }
    }

    @Test func serverErrorOnAPostIsNotRetried() async throws {
        try await withSandbox { sandbox in
            sandbox.server.faults.add(FaultRule(.serverError(status: 503), every: 1, times: 1, method: "POST"))
            await #expect(throws: DbtCloudError.self) {
                _ = try await sandbox.client.cancelRun(accountID: sandbox.account, id: DemoWorld.failedRunID)
            }
            #expect(sandbox.requests(method: "POST").count == 1)
        }
    }

    @Test func slowResponseTimesOutAndIsRetriedThenReportsTimeout() async throws {
        try await withSandbox(requestTimeout: .milliseconds(300)) { sandbox in
            // The server would answer after 60 s per attempt; four 300 ms timeouts end long before
            // one answer (time is the behaviour; the bound is loose for a loaded machine).
            sandbox.server.faults.add(FaultRule(.slow(seconds: 60), method: "GET", pathContains: "/jobs/"))
            let started = ContinuousClock.now
            await #expect {
                _ = try await sandbox.client.job(accountID: sandbox.account, id: DemoWorld.failingJobID)
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.kind == .timeout && error?.attempts == 4
            }
            #expect(ContinuousClock.now - started < .seconds(40))
        }
    }

    @Test func refusedConnectionIsANetworkError() async throws {
        let server = try await SandboxServer.start(.init())
        let url = server.baseURL
        await server.stop()
        let client = try DbtCloudClient(
            host: try DbtHost.parse(url.absoluteString), token: APIToken(DemoWorld.token),
            options: ClientOptions(connectTimeout: .seconds(1), retry: SandboxHarness.fastRetry))
        await #expect {
            _ = try await client.job(accountID: 43, id: 1)
        } throws: { error in
            let error = error as? DbtCloudError
            return error?.kind == .network && error?.attempts == 4
                && error?.description.hasPrefix("GET /api/v2/accounts/43/jobs/1/: connection") == true
        }
        await client.shutdown()
    }

    @Test func cancellingTheTaskAbortsTheRequestAtOnce() async throws {
        try await withSandbox { sandbox in
            sandbox.server.faults.add(FaultRule(.slow(seconds: 120), method: "GET", pathContains: "/jobs/"))
            let client = sandbox.client
            let task = Task { try await client.job(accountID: 43, id: DemoWorld.failingJobID) }
            // Cancel once the request has reached the server (it is then waiting for the slow answer).
            while sandbox.requests(method: "GET", pathContains: "/jobs/").isEmpty {
                try await Task.sleep(for: .milliseconds(10))
            }
            let started = ContinuousClock.now
            task.cancel()
            let result = await task.result
            // Time is the behaviour: the 120 s answer must not be awaited (the bound is loose).
            #expect(ContinuousClock.now - started < .seconds(60), "the 120 s answer was awaited")
            #expect(throws: CancellationError.self) { try result.get() }
        }
    }

    @Test func truncatedDownloadLeavesNoFileAtTheTarget() async throws {
        try await withSandbox { sandbox in
            sandbox.server.faults.add(FaultRule(.truncatedJSON, method: "GET", pathContains: "/artifacts/manifest.json"))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-cut-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let target = directory.appendingPathComponent("manifest.json")
            await #expect(throws: (any Error).self) {
                try await sandbox.client.downloadArtifact(
                    accountID: 43, runID: DemoWorld.failedRunID, path: "manifest.json", step: 2, to: target)
            }
            #expect(!FileManager.default.fileExists(atPath: target.path))
            #expect((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] == [])
        }
    }

    @Test func resetDownloadLeavesNoFileAndARetriedOneCompletes() async throws {
        try await withSandbox { sandbox in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-reset-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let target = directory.appendingPathComponent("catalog.json")

            sandbox.server.faults.add(FaultRule(.connectionReset, method: "GET", pathContains: "/artifacts/catalog.json"))
            await #expect(throws: DbtCloudError.self) {
                try await sandbox.client.downloadArtifact(accountID: 43, runID: DemoWorld.failedRunID, path: "catalog.json", to: target)
            }
            #expect(!FileManager.default.fileExists(atPath: target.path))
            #expect((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] == [])

            sandbox.server.faults.clear()
            sandbox.server.faults.add(FaultRule(.connectionReset, every: 1, times: 1, method: "GET", pathContains: "/artifacts/catalog.json"))
            try await sandbox.client.downloadArtifact(accountID: 43, runID: DemoWorld.failedRunID, path: "catalog.json", to: target)
            #expect(try JSONValue(parsing: Data(contentsOf: target))["nodes"] != nil)
        }
    }

    @Test func concurrentPagingYieldsTheSameRunsInOrderAsSequential() async throws {
        try await withSandbox(.init(stepSeconds: 1, extraRuns: 450)) { sandbox in
            let concurrent = try await sandbox.client.allRuns(accountID: 43).collect()
            let sequential = try await sandbox.client.allRuns(accountID: 43).sequential().collect()
            #expect(concurrent.count > 450)
            #expect(concurrent.map(\.id) == sequential.map(\.id))
            #expect(concurrent.map(\.id) == concurrent.map(\.id).sorted(by: >), "newest first")
            let limits = sandbox.requests(pathContains: "/runs/").compactMap { $0.queryValue("limit") }
            #expect(limits.allSatisfy { $0 == "100" })

            let first150 = try await sandbox.client.allRuns(accountID: 43, maxItems: 150).collect()
            #expect(first150.map(\.id) == Array(sequential.prefix(150)).map(\.id))
        }
    }

    @Test func tlsWithTheSandboxCertificateAsCAFile() async throws {
        let server = try await SandboxServer.start(.init(tls: true))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pem = directory.appendingPathComponent("sandbox.pem")
        try (server.certificatePEM ?? "").write(to: pem, atomically: true, encoding: .utf8)
        #expect(server.baseURL.scheme == "https")
        let host = try DbtHost.parse(server.baseURL.absoluteString)

        let trusting = try DbtCloudClient(
            host: host, token: APIToken(DemoWorld.token), options: ClientOptions(caFile: pem.path, retry: SandboxHarness.fastRetry))
        let job = try await trusting.job(accountID: 43, id: DemoWorld.failingJobID)
        #expect(job.name == "Nightly build")
        await trusting.shutdown()

        let untrusting = try DbtCloudClient(
            host: host, token: APIToken(DemoWorld.token), options: ClientOptions(retry: SandboxHarness.fastRetry))
        await #expect {
            _ = try await untrusting.job(accountID: 43, id: DemoWorld.failingJobID)
        } throws: { error in
            (error as? DbtCloudError)?.kind == .network
        }
        await untrusting.shutdown()
        await server.stop()
    }

    @Test func aClientDroppedWithoutShutdownDoesNotCrash() async throws {
        let server = try await SandboxServer.start(.init())
        do {
            let client = try DbtCloudClient(
                host: try DbtHost.parse(server.baseURL.absoluteString), token: APIToken(DemoWorld.token))
            #expect(try await client.job(accountID: 43, id: DemoWorld.failingJobID).id == DemoWorld.failingJobID)
        }
        await server.stop()
    }

    @Test func unreadableCAFileIsAConfigurationError() throws {
        #expect {
            _ = try DbtCloudClient(
                host: .default, token: APIToken("x"), options: ClientOptions(caFile: "/nonexistent/ca.pem"))
        } throws: { error in
            (error as? DbtCloudError)?.kind == .configuration
        }
    }
}
