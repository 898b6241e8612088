import Foundation
import Sandbox
@testable import DbtCloud

/// A running sandbox and a client pointed at it, with tiny retry delays. Always `finish()`.
struct SandboxHarness {
    let server: SandboxServer
    let client: DbtCloudClient
    let traceLines: TraceCollector

    static let fastRetry = RetryPolicy(
        maxAttempts: 4, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20), maxRetryAfter: .seconds(2))

    static func start(
        _ configuration: SandboxConfiguration = .init(stepSeconds: 0.2),
        token: String = DemoWorld.token,
        retry: RetryPolicy = fastRetry,
        requestTimeout: Duration = .seconds(10),
        caFile: String? = nil
    ) async throws -> SandboxHarness {
        let server = try await SandboxServer.start(configuration)
        let collector = TraceCollector()
        do {
            let host = try DbtHost.parse(server.baseURL.absoluteString)
            let options = ClientOptions(
                caFile: caFile, connectTimeout: .seconds(2), requestTimeout: requestTimeout, retry: retry,
                trace: { line in collector.append(line) })
            let client = try DbtCloudClient(host: host, token: APIToken(token), options: options)
            return SandboxHarness(server: server, client: client, traceLines: collector)
        } catch {
            await server.stop()
            throw error
        }
    }

    func finish() async {
        await client.shutdown()
        await server.stop()
    }

    var account: Int { DemoWorld.accountID }

    /// Requests the sandbox saw, without the ones other tests' setup made.
    func requests(method: String? = nil, pathContains: String? = nil) -> [LoggedRequest] {
        server.requestLog.entries().filter { entry in
            (method == nil || entry.method == method) && (pathContains == nil || entry.path.contains(pathContains!))
        }
    }
}

/// Runs `body` against a fresh sandbox and always stops it.
func withSandbox(
    _ configuration: SandboxConfiguration = .init(stepSeconds: 0.2), token: String = DemoWorld.token,
    retry: RetryPolicy = SandboxHarness.fastRetry, requestTimeout: Duration = .seconds(10),
    _ body: (SandboxHarness) async throws -> Void
) async throws {
    let harness = try await SandboxHarness.start(configuration, token: token, retry: retry, requestTimeout: requestTimeout)
    do {
        try await body(harness)
    } catch {
        await harness.finish()
        throw error
    }
    await harness.finish()
}

final class TraceCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}

extension LoggedRequest {
    /// The decoded query string, in order.
    var queryItems: [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    func queryValue(_ name: String) -> String? {
        queryItems.first { $0.0 == name }?.1
    }

    var jsonBody: JSONValue? {
        body.flatMap { try? JSONValue(parsing: $0) }
    }
}
