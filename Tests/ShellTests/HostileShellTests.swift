import DbtCloud
import Foundation
import Sandbox
import Shell
import TestSupport
import Testing

/// A hostile server (TestSupport), usually in front of a sandbox, and a shell session on it.
struct HostileShell {
    let server: HostileServer
    let sandbox: SandboxServer?
    let client: DbtCloudClient
    let shell: ShellHarness
    let cacheRoot: URL

    /// Tiny backoff, so a fault retried up to the attempt cap ends quickly; timeouts loose
    /// enough for a loaded machine.
    static let quick = ClientOptions(
        connectTimeout: .seconds(10), idleTimeout: .seconds(10), requestTimeout: .seconds(20), noticeDelay: .milliseconds(200),
        retry: RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(40), budget: .seconds(30)))

    /// For servers that never answer: silence ends an attempt after 0.5 s, one attempt 2 s, and
    /// the 20 s budget leaves room for a second attempt even when a busy machine starves the
    /// timers for seconds (unloaded, the 12-attempt cap ends it after about 6 s).
    static let impatient = ClientOptions(
        connectTimeout: .seconds(10), idleTimeout: .milliseconds(500), requestTimeout: .seconds(2), noticeDelay: .milliseconds(200),
        retry: RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(40), budget: .seconds(20)))

    var posts: [HostileRequest] { server.requests.filter { $0.method == "POST" } }

    /// Regular files under the session's cache directory.
    var cachedFiles: [String] {
        guard let walker = FileManager.default.enumerator(at: cacheRoot, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { ($0 as? URL).flatMap { (try? $0.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true ? $0.lastPathComponent : nil } }
    }

    var cachedBytes: Int {
        guard let walker = FileManager.default.enumerator(at: cacheRoot, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) else { return 0 }
        return walker.compactMap { item -> Int? in
            guard let values = try? (item as? URL)?.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey]), values.isRegularFile == true else { return nil }
            return values.fileSize
        }.reduce(0, +)
    }
}

func withHostileShell(
    upstream: Bool = true, extraRuns: Int = 0, terminal: Bool = false, options: ClientOptions = HostileShell.quick, tls: TestCertificate? = nil,
    cacheMaxBytes: Int64 = Services.defaultCacheMaxBytes, _ handler: @escaping HostileHandler,
    _ body: (HostileShell) async throws -> Void
) async throws {
    let setup = try await HostileSetup.start(
        upstream: upstream, extraRuns: extraRuns, stepSeconds: 0.05, tls: tls, options: options, handler: handler)
    let (server, sandbox, client) = (setup.server, setup.sandbox, setup.client)
    let cacheRoot = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-hostile-shell-\(UUID().uuidString.prefix(8))")
    var context = ShellContext()
    context.account = .init(id: DemoWorld.accountID, name: "Acme Analytics")
    let shell = ShellHarness(
        services: Services(client: client, token: APIToken(DemoWorld.token), cacheDirectory: cacheRoot, cacheMaxBytes: cacheMaxBytes),
        context: context, interactive: false, settings: Settings(),
        console: CapturingConsole(stderrIsTerminal: terminal))
    let hostile = HostileShell(server: server, sandbox: sandbox, client: client, shell: shell, cacheRoot: cacheRoot)
    func finish() async {
        await setup.stop()
        try? FileManager.default.removeItem(at: cacheRoot)
    }
    do {
        try await body(hostile)
    } catch {
        await finish()
        throw error
    }
    await finish()
}

/// The shell's side of a hostile server: exit codes of SHELL.md §5, one error line, the token
/// never printed, a trigger never sent twice, artifacts never half written.
@Suite("Shell commands against hostile servers")
struct HostileShellTests {
    // MARK: Crashes and tokens

    @Test("api GET with an empty query pair does not trap")
    func emptyQueryPair() async throws {
        try await withHostileShell(Hostile.forward) { hostile in
            for path in ["'/api/v2/accounts/{account}/jobs/?='", "'/api/v2/accounts/{account}/jobs/?&&=&='", "'/api/v2/accounts/{account}/jobs/?=x&limit=1'"] {
                let output = await hostile.shell.run("api GET \(path)")
                #expect([0, 3].contains(output.status), "\(path): \(output)")
            }
        }
    }

    @Test("api GET of a body that echoes the token prints it redacted")
    func echoedTokenIsRedacted() async throws {
        try await withHostileShell(upstream: false, Hostile.echoingAuthorization) { hostile in
            let output = await hostile.shell.run("api GET /api/v2/accounts/{account}/")
            #expect(output.status == 0, "\(output)")
            #expect(output.stdout.contains("Token ****"), "\(output)")
        }
    }

    @Test("20,000 continuation lines are joined in linear time", .timeLimit(.minutes(1)))
    func manyContinuationLines() async throws {
        try await withShell { shell, _ in
            let script = String(repeating: "help \\\n", count: 20_000) + "help\n"
            let output = await shell.run(script)
            #expect([0, 2].contains(output.status), "\(output.stderr.prefix(300))")
            #expect(output.stderrLines.count <= 1)
        }
    }

    // MARK: Time

    @Test("a silent server on a terminal: notices while waiting, then one error line, exit 5")
    func silentServerNoticesOnATerminal() async throws {
        try await withHostileShell(upstream: false, terminal: true, options: HostileShell.impatient, Hostile.silent) { hostile in
            let output = await hostile.shell.run("jobs")
            #expect(output.status == 5, "\(output)")
            let lines = output.stderrLines
            #expect(lines.contains { $0.contains("waiting for 127.0.0.1:") }, "\(output)")
            #expect(lines.contains { $0.contains("retrying GET /api/v2/accounts/43/jobs/") }, "\(output)")
            #expect(lines.last?.hasPrefix("error: GET /api/v2/accounts/43/jobs/: ") == true, "\(output)")
            #expect(lines.last?.contains("gave up after") == true, "\(output)")
        }
    }

    @Test("a silent server through a pipe: only the error line")
    func silentServerThroughAPipe() async throws {
        try await withHostileShell(upstream: false, terminal: false, options: HostileShell.impatient, Hostile.silent) { hostile in
            let output = await hostile.shell.run("jobs")
            #expect(output.status == 5)
            #expect(output.stderrLines.count == 1, "\(output)")
        }
    }

    @Test("wait RUN --timeout 1s against a silent server: the timeout covers looking the run up (exit 6)")
    func waitTimeoutCoversTheLookUp() async throws {
        try await withHostileShell(upstream: false, options: ClientOptions(), Hostile.silent) { hostile in
            let started = ContinuousClock.now
            let output = await hostile.shell.run("wait 913 --timeout 1s")
            #expect(output.status == 6, "\(output)")
            #expect(output.stderrLines.last?.contains("could not be looked up within 1s") == true, "\(output)")
            // The client's own budget is 30 s; the command ended with its --timeout.
            #expect(ContinuousClock.now - started < .seconds(25))
        }
    }

    // MARK: Triggers

    enum TriggerFault: String, CaseIterable, Sendable {
        case processedThen503, processedThenReset, refusedWith503, resetBeforeProcessing

        var reachesTheAPI: Bool { self == .processedThen503 || self == .processedThenReset }

        var handler: HostileHandler {
            let fault = self
            return Hostile.route({ $0.method == "POST" && $0.path.hasSuffix("/run/") }) { request, exchange in
                if fault.reachesTheAPI { _ = try await exchange.forward(request) }
                switch fault {
                case .processedThen503, .refusedWith503: try await exchange.respond(.envelope(status: 503, message: "Service Unavailable"))
                case .processedThenReset, .resetBeforeProcessing: await exchange.reset()
                }
            }
        }
    }

    @Test("a trigger that fails after it may have arrived is never re-sent; the run it created is found",
          arguments: TriggerFault.allCases)
    func ambiguousTrigger(_ fault: TriggerFault) async throws {
        try await withHostileShell(fault.handler) { hostile in
            let output = await hostile.shell.run("use job 43168\nrun")
            #expect(output.status == 5, "\(output)")
            #expect(hostile.posts.count == 1, "the trigger POST was sent \(hostile.posts.count) times")
            let last = output.stderrLines.last ?? ""
            #expect(last.hasPrefix("error: POST /api/v2/accounts/43/jobs/43168/run/: "), "\(output)")
            if fault.reachesTheAPI {
                let runID = try #require(hostile.shell.context.run?.id, "the run found should become the context's: \(output)")
                #expect(last.contains("the trigger may have gone through: run \(runID)"), "\(output)")
                #expect(runID >= 100_000)
            } else {
                #expect(last.hasSuffix("no run was created"), "\(output)")
            }
        }
    }

    @Test("a trigger refused with a 4xx is not looked for")
    func refusedTrigger() async throws {
        let handler = Hostile.route({ $0.method == "POST" }) { _, exchange in
            try await exchange.respond(.envelope(status: 400, message: "Invalid request"))
        }
        try await withHostileShell(handler) { hostile in
            let output = await hostile.shell.run("use job 43168\nrun")
            #expect(output.status == 3, "\(output)")
            #expect(!output.stderr.contains("trigger may have"), "\(output)")
            #expect(!hostile.server.requests.contains { $0.path.hasSuffix("/runs/") && $0.queryValue("include_related") != nil })
        }
    }

    // MARK: Listings

    @Test("jobs against a server that ignores offset: one error line, exit 5")
    func ignoredOffset() async throws {
        try await withHostileShell(Hostile.ignoringOffset) { hostile in
            let output = await hostile.shell.run("jobs")
            #expect(output.status == 5, "\(output)")
            #expect(output.stdout.isEmpty)
            #expect(output.stderrLines.count == 1 && output.stderr.contains("repeats items already listed"), "\(output)")
        }
    }

    @Test("runs --all while runs are being created: no id twice")
    func runsAllWhileRunsAreCreated() async throws {
        try await withHostileShell(extraRuns: 250, Hostile.creatingRuns(ofJob: DemoWorld.succeedingJobID)) { hostile in
            let output = await hostile.shell.run("runs --all --output json")
            #expect(output.status == 0, "\(output.stderr)")
            let ids = output.json?.arrayValue?.compactMap { $0["id"]?.intValue } ?? []
            #expect(ids.count > 250)
            #expect(ids.count == Set(ids).count, "\(ids.count - Set(ids).count) duplicates")
        }
    }

    @Test("every 3rd request a 500, every 4th a 429, every 7th a reset: runs --all lists every run")
    func flakyServer() async throws {
        try await withHostileShell(extraRuns: 250, Hostile.flaky()) { hostile in
            let output = await hostile.shell.run("runs --all --output json")
            #expect(output.status == 0, "\(output.stderr)")
            let ids = output.json?.arrayValue?.compactMap { $0["id"]?.intValue } ?? []
            let expected = try await SandboxFixtureRuns.ids(hostile.sandbox)
            #expect(ids == expected)
        }
    }

    @Test("a 3xx: exit 3, the redirect was not followed and where it pointed")
    func redirect() async throws {
        try await withHostileShell(upstream: false, Hostile.redirect(to: "https://elsewhere.example/api/v2/accounts/43/jobs/?sig=secret")) { hostile in
            let output = await hostile.shell.run("jobs")
            #expect(output.status == 3, "\(output)")
            #expect(output.stderrLines == ["error: GET /api/v2/accounts/43/jobs/: 302 redirect not followed: it points to https://elsewhere.example/api/v2/accounts/43/jobs/?…"], "\(output)")
        }
    }

    @Test("a certificate for the wrong host: one line naming host and reason, exit 5, no retry")
    func wrongCertificate() async throws {
        try await withHostileShell(upstream: false, tls: try TestCertificate.forWrongHost(), Hostile.silent) { hostile in
            let output = await hostile.shell.run("jobs")
            #expect(output.status == 5, "\(output)")
            #expect(output.stderrLines.count == 1, "\(output)")
            #expect(output.stderr.contains("TLS: the certificate of 127.0.0.1:\(hostile.server.baseURL.port ?? 0) could not be verified"), "\(output)")
            #expect(!output.stderr.contains(".build/") && !output.stderr.contains("BoringSSL") && !output.stderr.contains(".cc:"))
            #expect(hostile.server.connectionCount == 1)
        }
    }

    // MARK: Artifacts

    @Test("a cut or invalid artifact is neither written nor cached", arguments: ["cut", "invalid"])
    func cutArtifact(_ kind: String) async throws {
        let broken = kind == "cut" ? Hostile.cutBody(claimed: 50_000) : Hostile.serve(Array(#"{"results": [1, 2"#.utf8))
        try await withHostileShell(Hostile.route({ $0.path.contains("/artifacts/run_results.json") }, broken)) { hostile in
            let target = hostile.cacheRoot.deletingLastPathComponent().appendingPathComponent("dbtsh-target-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: target) }
            let output = await hostile.shell.run("use run 902\nartifacts get run_results.json -o \(target.path)/")
            #expect(output.status == 5, "\(output)")
            #expect(output.stderrLines.count == 1, "\(output)")
            #expect((try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? [] == [])
            #expect(!hostile.cachedFiles.contains("run_results.json"), "\(hostile.cachedFiles)")
        }
    }

    @Test("the artifact cache stays under its cap, evicting the least recently used; --no-cache bypasses it")
    func cacheCapAndEviction() async throws {
        try await withHostileShell(cacheMaxBytes: 150_000, Hostile.forward) { hostile in
            var output = await hostile.shell.run("use run 902\nartifacts get run_results.json catalog.json sources.json -o -")
            #expect(output.status == 0, "\(output.stderr)")
            #expect(Set(hostile.cachedFiles) == ["run_results.json", "catalog.json", "sources.json"])
            // manifest.json (916 kB) is larger than the whole cache: used, not kept.
            output = await hostile.shell.run("artifacts get manifest.json -o -")
            #expect(output.status == 0, "\(output.stderr)")
            #expect(!hostile.cachedFiles.contains("manifest.json"))
            // Touch catalog.json, then a fourth file makes room by evicting the least recently used.
            output = await hostile.shell.run("artifacts get catalog.json -o -\nartifacts get run_results.json --step 3 -o -")
            #expect(output.status == 0, "\(output.stderr)")
            #expect(hostile.cachedBytes <= 150_000, "\(hostile.cachedBytes) bytes cached: \(hostile.cachedFiles)")
            #expect(hostile.cachedFiles.contains("catalog.json"), "\(hostile.cachedFiles)")
            let before = hostile.server.requests.count
            output = await hostile.shell.run("artifacts get catalog.json --no-cache -o -")
            #expect(output.status == 0)
            #expect(hostile.server.requests.count > before, "--no-cache downloads again")
        }
    }

    @Test("with --no-cache nothing is written to the cache")
    func noCacheWritesNothing() async throws {
        try await withHostileShell(Hostile.forward) { hostile in
            let output = await hostile.shell.run("use run 902\nartifacts get run_results.json --no-cache -o -")
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout.hasPrefix("{"))
            #expect(hostile.cachedFiles.isEmpty, "\(hostile.cachedFiles)")
        }
    }
}

enum SandboxFixtureRuns {
    /// Every run id of the sandbox behind a hostile server, newest first, read directly.
    static func ids(_ sandbox: SandboxServer?) async throws -> [Int] {
        guard let sandbox else { return [] }
        let client = try DbtCloudClient(host: try DbtHost.parse(sandbox.baseURL.absoluteString), token: APIToken(DemoWorld.token))
        do {
            let ids = try await client.allRuns(accountID: DemoWorld.accountID).collect().map(\.id)
            await client.shutdown()
            return ids
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
