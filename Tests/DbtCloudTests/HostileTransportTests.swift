import Foundation
import Sandbox
import TestSupport
import Testing
@testable import DbtCloud

/// The client against a server that misbehaves on purpose, byte by byte (TestSupport's
/// `HostileServer`): it never traps, never waits past its deadlines, never reads without
/// bound, and says what happened in one line with the exit code of SHELL.md §5.
@Suite("The client against hostile servers")
struct HostileTransportTests {
    // MARK: Time

    @Test("headers then one byte a second: the deadline covers the body")
    func tricklingBodyTimesOut() async throws {
        var options = HostileHarness.impatient
        options.idleTimeout = .seconds(10)
        options.retry.budget = .seconds(8)
        try await withHostile(options: options, Hostile.trickle(length: 4_096, every: .milliseconds(100))) { hostile in
            await #expect {
                _ = try await hostile.client.job(accountID: hostile.account, id: 1)
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.kind == .timeout && error?.isPresentable == true
                    && error?.message.contains("did not complete within") == true
            }
            // 4,096 bytes at 10 a second would take 7 minutes: 2 s attempts within the 8 s budget ended it.
            #expect((1...5).contains(hostile.server.requests.count), "\(hostile.server.requests.count) attempts")
        }
    }

    @Test("a server that accepts and stays silent: retried within the budget, notices while waiting, then exit 5")
    func silentServerGivesUpWithNotices() async throws {
        try await withHostile(options: HostileHarness.impatient, Hostile.silent) { hostile in
            await #expect {
                _ = try await hostile.noticing { try await hostile.client.job(accountID: hostile.account, id: 1) }
            } throws: { error in
                // Silence ends an attempt after 0.5 s (or, on a machine too busy to notice, its 2 s deadline).
                let error = error as? DbtCloudError
                return error?.kind == .timeout && error?.isPresentable == true
                    && error?.message.contains("gave up after") == true
            }
            #expect(hostile.server.requests.count >= 2, "the silent GET was not retried")
            let notices = hostile.notices.all
            #expect(notices.contains { $0.hasPrefix("waiting for 127.0.0.1:") && $0.hasSuffix("s)…") }, "\(notices)")
            #expect(notices.contains { $0.hasPrefix("retrying GET /api/v2/accounts/43/jobs/1/ in ") }, "\(notices)")
        }
    }

    @Test("no notice handler, no notices: a request of a background task stays quiet")
    func noticesOnlyWhereAsked() async throws {
        try await withHostile(options: HostileHarness.impatient, Hostile.silent) { hostile in
            _ = try? await hostile.client.job(accountID: hostile.account, id: 1)
            #expect(hostile.notices.all.isEmpty)
        }
    }

    // MARK: Bodies

    @Test("a body cut shorter than its Content-Length: retried, then one line, exit 5")
    func cutBody() async throws {
        try await withHostile(Hostile.cutBody(claimed: 2_048)) { hostile in
            await #expect {
                _ = try await hostile.client.job(accountID: hostile.account, id: 1)
            } throws: { error in
                (error as? DbtCloudError)?.isPresentable == true && (error as? DbtCloudError)?.isNetworkOrServer == true
            }
            #expect(hostile.server.requests.count > 1)
        }
    }

    @Test("an endless body stops at the response cap, once")
    func endlessBodyIsCapped() async throws {
        var options = HostileHarness.quick
        options.maxResponseBytes = 1 << 20
        // The cap ends the attempt, not time: a loaded machine may read the first MiB slowly, and a
        // timed-out attempt would be retried, which is not what this test is about.
        options.requestTimeout = .seconds(300)
        options.retry.budget = .seconds(300)
        try await withHostile(options: options, Hostile.endlessBody) { hostile in
            await #expect {
                _ = try await hostile.client.listJobs(accountID: hostile.account).collect()
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.kind == .invalidResponse && error?.message.contains("larger than 1 MiB") == true
                    && error?.isPresentable == true
            }
            #expect(hostile.server.requests.count == 1, "a response too large to read is not asked for again")
        }
    }

    @Test("absurd headers and garbage status lines never trap", arguments: Hostile.absurdResponses)
    func absurdResponses(_ raw: String) async throws {
        try await withHostile(Hostile.raw(raw)) { hostile in
            for call in 0..<2 {
                do {
                    if call == 0 {
                        _ = try await hostile.client.job(accountID: hostile.account, id: 1)
                    } else {
                        _ = try await hostile.client.send("GET", "/api/v2/accounts/43/")
                    }
                } catch let error as DbtCloudError {
                    #expect(error.isPresentable, "\(error)")
                }
            }
        }
    }

    @Test("Retry-After: inf, 1e20 and 1e300 are bounded, never converted unchecked")
    func retryAfterIsBounded() {
        for text in ["inf", "-inf", "nan", "1e20", "1e300", "1.7976931348623157e308", "-1", " 3 ", "99999999999999999999999999", "0x10", ""] {
            let parsed = Transport.parseRetryAfter(text)
            if let parsed { #expect(parsed >= .zero && parsed <= .seconds(86_400), "\(text) → \(parsed)") }
        }
        #expect(Transport.parseRetryAfter("1e300") == .seconds(86_400))
        #expect(Transport.parseRetryAfter("inf") == nil)
        #expect(Transport.parseRetryAfter("2.5") == .milliseconds(2_500))
    }

    @Test("a Retry-After past the budget ends the retries at once and says so")
    func retryAfterPastTheBudget() async throws {
        let handler = Hostile.raw("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Length: 0\r\n\r\n")
        try await withHostile(handler) { hostile in
            await #expect {
                _ = try await hostile.client.job(accountID: hostile.account, id: 1)
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.status == 429 && error?.message.contains("retry after 3600 s") == true && error?.isPresentable == true
            }
            #expect(hostile.server.requests.count == 1)
        }
    }

    // MARK: Connections

    @Test("a reset after reading the request: a GET is retried, a POST is not")
    func resetAfterRequest() async throws {
        // The 12-attempt cap ends the GET's retries (in well under a second unloaded); the budget
        // must not, or a loaded machine turns the reset into a timeout.
        var options = HostileHarness.quick
        options.retry.budget = .seconds(300)
        try await withHostile(options: options, Hostile.resetAfterRequest) { hostile in
            await #expect {
                _ = try await hostile.client.job(accountID: hostile.account, id: 1)
            } throws: { error in
                (error as? DbtCloudError)?.kind == .network && (error as? DbtCloudError)?.isPresentable == true
            }
            let gets = hostile.server.requests.count
            #expect(gets > 1)
            await #expect {
                _ = try await hostile.client.triggerRun(accountID: hostile.account, jobID: 1)
            } throws: { error in
                (error as? DbtCloudError)?.mayHaveBeenProcessed == true
            }
            #expect(hostile.server.requests.filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test("a 3xx is not followed: the error says where it pointed, without its query or control characters")
    func redirectIsNotFollowed() async throws {
        try await withHostile(Hostile.redirect(to: "https://other.example:8443/api/v2/accounts/43/jobs/?token=abc")) { hostile in
            await #expect {
                _ = try await hostile.client.job(accountID: hostile.account, id: 1)
            } throws: { error in
                let error = error as? DbtCloudError
                let text = error?.description ?? ""
                return error?.status == 302 && error?.kind == .rejected
                    && text.contains("redirect not followed: it points to https://other.example:8443/api/v2/accounts/43/jobs/?…")
                    && !text.contains("token=abc") && !text.contains("\u{1B}")
            }
            #expect(hostile.server.requests.count == 1)
        }
    }

    @Test("a redirect that only adds the trailing slash says so")
    func redirectToTheTrailingSlash() {
        let message = ErrorMapping.redirectMessage(location: "/api/v2/accounts/43/jobs/", requestPath: "/api/v2/accounts/43/jobs")
        #expect(message == "redirect not followed: it points to /api/v2/accounts/43/jobs/; add the trailing slash: /api/v2/accounts/43/jobs/")
    }

    @Test("a Location with control characters or credentials is shown without them")
    func redirectLocationIsSanitised() {
        let escape = ErrorMapping.redirectMessage(location: "\u{1B}]0;pwned\u{07}/x\u{1B}[2J?token=1", requestPath: "/y")
        #expect(!escape.contains("\u{1B}") && !escape.contains("\u{07}") && !escape.contains("token=1"), "\(escape)")
        let credentials = ErrorMapping.redirectMessage(location: "https://user:secret@evil.example/p#frag", requestPath: "/y")
        #expect(credentials == "redirect not followed: it points to https://evil.example/p")
        let long = ErrorMapping.redirectMessage(location: "https://a.example/" + String(repeating: "x", count: 5_000), requestPath: "/y")
        #expect(long.count < 260)
    }

    @Test("a response echoing the token: the client can redact what it prints")
    func echoedToken() async throws {
        try await withHostile(Hostile.echoingAuthorization) { hostile in
            let response = try await hostile.client.send("GET", "/api/v2/accounts/43/")
            let body = String(decoding: response.body, as: UTF8.self)
            #expect(body.contains(DemoWorld.token), "the hostile server should echo the token")
            #expect(!hostile.client.redact(body).contains(DemoWorld.token))
        }
    }

    // MARK: TLS

    @Test("a certificate for another host: one attempt, a message naming the host and the reason")
    func certificateForTheWrongHost() async throws {
        try await withHostile(tls: try TestCertificate.forWrongHost(), caFile: true, Hostile.silent) { hostile in
            await #expect {
                _ = try await hostile.client.job(accountID: hostile.account, id: 1)
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.attempts == 1 && error?.kind == .network && error?.isPresentable == true
                    && error?.message.contains("TLS: the certificate of 127.0.0.1:") == true
            }
            #expect(hostile.server.connectionCount == 1, "a verification failure is not retried")
        }
    }

    @Test("an untrusted certificate: one attempt, the reason, the --ca-file hint, no library internals")
    func untrustedCertificate() async throws {
        try await withHostile(tls: try TestCertificate.forLoopback(), Hostile.silent) { hostile in
            await #expect {
                _ = try await hostile.client.job(accountID: hostile.account, id: 1)
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.attempts == 1 && error?.isPresentable == true
                    && error?.message.contains("could not be verified") == true && error?.message.contains("--ca-file") == true
            }
            #expect(hostile.server.connectionCount == 1)
        }
    }

    // MARK: Retry budget

    @Test("every 3rd request a 500, every 4th a 429, every 7th a reset: listings still complete")
    func flakyServerWithinTheBudget() async throws {
        try await withHostile(upstream: true, extraRuns: 250, Hostile.flaky()) { hostile in
            let jobs = try await hostile.client.listJobs(accountID: hostile.account).sequential().collect()
            #expect(jobs.map(\.id) == (try await SandboxHarness.jobIDs(hostile.sandbox)))
            #expect(jobs.count > 100, "two pages at least")
            let runs = try await hostile.client.allRuns(accountID: hostile.account).collect()
            #expect(runs.count == Set(runs.map(\.id)).count)
            #expect(!runs.isEmpty)
            let failures = hostile.server.requests.filter { $0.number % 3 == 0 || $0.number % 4 == 0 || $0.number % 7 == 0 }
            #expect(failures.count * 2 > hostile.server.requests.count - 2, "more than half of the requests should fail")
        }
    }

    // MARK: Paging

    @Test("a server that ignores offset: one page of repeats ends the listing with an error")
    func ignoredOffset() async throws {
        try await withHostile(upstream: true, Hostile.ignoringOffset) { hostile in
            await #expect {
                _ = try await hostile.client.listJobs(accountID: hostile.account).collect()
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.kind == .invalidResponse && error?.message.contains("repeats items already listed") == true
                    && error?.isPresentable == true
            }
            #expect(hostile.server.requests.count <= 1 + 4, "asked \(hostile.server.requests.count) pages")
        }
    }

    @Test("api --paginate's merged pages against a server that ignores offset: an error on the first repeat")
    func mergedPagesIgnoredOffset() async throws {
        try await withHostile(upstream: true, Hostile.ignoringOffset) { hostile in
            await #expect {
                _ = try await hostile.client.getAllPages("/api/v2/accounts/43/jobs/")
            } throws: { error in
                (error as? DbtCloudError)?.message.contains("repeats items already listed") == true
            }
            #expect(hostile.server.requests.count == 2)
        }
    }

    @Test("a total_count of 1e9: the listing ends with the data, not the claim")
    func absurdTotal() async throws {
        try await withHostile(upstream: true, Hostile.claimingTotal(1_000_000_000)) { hostile in
            let jobs = try await hostile.client.listJobs(accountID: hostile.account).collect()
            #expect(jobs.map(\.id) == (try await SandboxHarness.jobIDs(hostile.sandbox)))
            #expect(hostile.server.requests.count <= 2 + 4, "asked \(hostile.server.requests.count) pages")
        }
    }

    @Test("pages without end stop at the hard cap with an error")
    func endlessPagesHitTheCap() async throws {
        var options = HostileHarness.quick
        options.maxListItems = 1_000
        try await withHostile(options: options, Hostile.endlessPages) { hostile in
            await #expect {
                _ = try await hostile.client.listJobs(accountID: hostile.account).collect()
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.message.contains("more than 1000 items") == true && error?.isPresentable == true
            }
            #expect(hostile.server.requests.count <= 11 + 4, "asked \(hostile.server.requests.count) pages")
        }
    }

    @Test("runs created while a listing is read: no id twice, none lost")
    func shiftingListing() async throws {
        try await withHostile(upstream: true, extraRuns: 250, Hostile.creatingRuns(ofJob: DemoWorld.succeedingJobID)) { hostile in
            let runs = try await hostile.client.allRuns(accountID: hostile.account).sequential().collect()
            let ids = runs.map(\.id)
            #expect(ids.count == Set(ids).count, "duplicates: \(ids.count - Set(ids).count)")
            let laterPages = hostile.server.requests.filter { $0.path.hasSuffix("/runs/") && $0.queryValue("offset") != "0" }
            #expect(laterPages.count >= 2, "each later page shifted the listing by one run")
            #expect(ids.count > 250)
            // Every run that existed before the listing is in it (the sandbox numbers new runs from 100,000).
            let existing = try await SandboxHarness.runIDs(hostile.sandbox).filter { $0 < 100_000 }
            #expect(Set(existing).isSubset(of: Set(ids)), "lost: \(Set(existing).subtracting(ids).sorted().prefix(10))")
        }
    }

    // MARK: Downloads

    @Test("4,096 random bytes download byte for byte")
    func binaryArtifactIsExact() async throws {
        var random = SeededRandom(seed: 4_096)
        let bytes = random.bytes(4_096)
        try await withHostile(upstream: true, Hostile.route({ $0.path.hasSuffix("/artifacts/blob.bin") }, Hostile.serve(bytes))) { hostile in
            let target = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-blob-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: target) }
            let count = try await hostile.client.downloadArtifact(accountID: 43, runID: DemoWorld.failedRunID, path: "blob.bin", to: target)
            #expect(count == 4_096)
            #expect(Array(try Data(contentsOf: target)) == bytes)
        }
    }

    @Test("a cut or invalid JSON artifact is never written", arguments: ["cut", "invalid", "long"])
    func cutArtifactIsNotWritten(_ kind: String) async throws {
        let handler: HostileHandler =
            switch kind {
            case "cut": Hostile.cutBody(claimed: 10_000)
            case "long": Hostile.raw("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n{}{}{}{}")
            default: Hostile.serve(Array(#"{"metadata": {"dbt_version": "1.11"}, "results": [}"#.utf8))
            }
        try await withHostile(upstream: true, Hostile.route({ $0.path.contains("/artifacts/") }, handler)) { hostile in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-cut-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            await #expect {
                try await hostile.client.downloadArtifact(
                    accountID: 43, runID: DemoWorld.failedRunID, path: "run_results.json", to: directory.appendingPathComponent("run_results.json"))
            } throws: { error in
                (error as? DbtCloudError)?.isNetworkOrServer == true && (error as? DbtCloudError)?.isPresentable == true
            }
            #expect((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] == [])
        }
    }

    @Test("a trickling download is given up when it stalls below the minimum rate")
    func tricklingDownloadStalls() async throws {
        var options = HostileHarness.quick
        // The stall window is twice the idle timeout: 16 s of 20 bytes a second is far below 64 KiB.
        // Shorter, a loaded machine could delay the headers past the idle timeout itself.
        options.idleTimeout = .seconds(8)
        options.minimumDownloadBytes = 64 * 1024
        options.retry.budget = .seconds(1)
        try await withHostile(upstream: true, options: options,
                              Hostile.route({ $0.path.contains("/artifacts/") }, Hostile.trickle(length: 100_000, every: .milliseconds(50)))) { hostile in
            let target = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-trickle-\(UUID().uuidString)")
            await #expect {
                try await hostile.client.downloadArtifact(accountID: 43, runID: DemoWorld.failedRunID, path: "big.bin", to: target)
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.message.contains("stalled") == true && error?.isPresentable == true
            }
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }

    @Test("a 64 MiB JSON artifact is checked while it streams and written whole")
    func largeJSONArtifactStreams() async throws {
        let size: Int64 = 64 << 20
        try await withHostile(upstream: true, Hostile.route({ $0.path.contains("/artifacts/") }, Hostile.artifact(size: size, json: true))) { hostile in
            let target = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-big-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: target) }
            let count = try await hostile.client.downloadArtifact(accountID: 43, runID: DemoWorld.failedRunID, path: "manifest.json", to: target)
            #expect(count == size)
            let handle = try FileHandle(forReadingFrom: target)
            defer { try? handle.close() }
            #expect(try handle.read(upToCount: 8) == Data(#"{"pad":""#.utf8))
        }
    }
}

extension SandboxHarness {
    /// Every run id of the sandbox behind a hostile server, read directly.
    static func runIDs(_ sandbox: SandboxServer?) async throws -> [Int] {
        try await reading(sandbox) { try await $0.allRuns(accountID: DemoWorld.accountID).collect().map(\.id) }
    }

    /// Every job id of the sandbox behind a hostile server, read directly.
    static func jobIDs(_ sandbox: SandboxServer?) async throws -> [Int] {
        try await reading(sandbox) { try await $0.listJobs(accountID: DemoWorld.accountID).collect().map(\.id) }
    }

    private static func reading(_ sandbox: SandboxServer?, _ body: (DbtCloudClient) async throws -> [Int]) async throws -> [Int] {
        guard let sandbox else { return [] }
        let client = try DbtCloudClient(host: try DbtHost.parse(sandbox.baseURL.absoluteString), token: APIToken(DemoWorld.token))
        do {
            let ids = try await body(client)
            await client.shutdown()
            return ids
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
