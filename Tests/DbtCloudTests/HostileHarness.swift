import Foundation
import Sandbox
import TestSupport
@testable import DbtCloud

/// A hostile server (in front of a sandbox when `upstream` is asked for) and a client with
/// small, explicit time limits, so a misbehaviour shows in a second rather than in 30.
struct HostileHarness {
    let server: HostileServer
    let sandbox: SandboxServer?
    let client: DbtCloudClient
    let notices: Collected<String>

    /// Tiny backoff, so a fault retried up to the attempt cap (12) ends in well under a second;
    /// timeouts loose enough for a loaded machine (the server shares the cooperative threads
    /// with the whole suite).
    static let quick = ClientOptions(
        connectTimeout: .seconds(10), idleTimeout: .seconds(10), requestTimeout: .seconds(20),
        minimumDownloadBytes: 1024, noticeDelay: .milliseconds(200),
        retry: RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(40), budget: .seconds(30)))

    /// For servers that never finish: silence ends an attempt after 0.5 s, one attempt 2 s, and
    /// the 20 s budget leaves room for a second attempt even when a busy machine starves the
    /// timers for seconds (unloaded, the 12-attempt cap ends it after about 6 s).
    static let impatient = ClientOptions(
        connectTimeout: .seconds(10), idleTimeout: .milliseconds(500), requestTimeout: .seconds(2),
        minimumDownloadBytes: 1024, noticeDelay: .milliseconds(200),
        retry: RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(40), budget: .seconds(20)))

    func finish() async {
        await client.shutdown()
        await server.stop()
        await sandbox?.stop()
    }

    var account: Int { DemoWorld.accountID }

    /// Runs `body` with `ClientNotices` collected into `notices`.
    func noticing<T>(_ body: () async throws -> T) async rethrows -> T {
        let notices = self.notices
        return try await ClientNotices.listening({ notices.append($0) }) { try await body() }
    }
}

/// Runs `body` against a fresh hostile server (with a sandbox behind it when `upstream`), always stopping both.
func withHostile(
    upstream: Bool = false, extraRuns: Int = 0, tls: TestCertificate? = nil, options: ClientOptions = HostileHarness.quick,
    caFile: Bool = false, _ handler: @escaping HostileHandler, _ body: (HostileHarness) async throws -> Void
) async throws {
    var options = options
    var pemFile: URL?
    defer { pemFile.map { try? FileManager.default.removeItem(at: $0) } }
    if caFile, let pem = tls?.certificatePEM {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-hostile-\(UUID().uuidString).pem")
        try pem.write(to: file, atomically: true, encoding: .utf8)
        options.caFile = file.path
        pemFile = file
    }
    let setup = try await HostileSetup.start(upstream: upstream, extraRuns: extraRuns, tls: tls, options: options, handler: handler)
    let (server, sandbox, client) = (setup.server, setup.sandbox, setup.client)
    let harness = HostileHarness(server: server, sandbox: sandbox, client: client, notices: Collected<String>())
    do {
        try await body(harness)
    } catch {
        await harness.finish()
        throw error
    }
    await harness.finish()
}

extension DbtCloudError {
    /// Refused, reset, cut, timed out, 5xx or a garbled answer: exit 5 in the shell.
    var isNetworkOrServer: Bool { [.network, .timeout, .server, .invalidResponse].contains(kind) }

    /// What a person may see: one line, no library type names or build paths.
    var isPresentable: Bool {
        let text = description
        return !text.contains("\n")
            && !["NIO", "BoringSSL", "HTTPClientError", ".build", ".cc:", "checkouts", "Error(", "Optional("].contains { text.contains($0) }
    }
}
