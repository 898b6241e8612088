import DbtCloud
import Foundation
import Sandbox

/// A running sandbox and a client pointed at it, with tiny retry delays. Always `finish()`.
public struct SandboxHarness: Sendable {
    public let server: SandboxServer
    public let client: DbtCloudClient
    public let traceLines: Collected<String>

    public static let fastRetry = RetryPolicy(
        maxAttempts: 4, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20), maxRetryAfter: .seconds(2))

    public static func start(
        _ configuration: SandboxConfiguration = .init(stepSeconds: 0.2),
        token: String = DemoWorld.token,
        retry: RetryPolicy = fastRetry,
        requestTimeout: Duration = .seconds(10),
        caFile: String? = nil
    ) async throws -> SandboxHarness {
        let server = try await SandboxServer.start(configuration)
        let collector = Collected<String>()
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

    public func finish() async {
        await client.shutdown()
        await server.stop()
    }

    public var account: Int { DemoWorld.accountID }

    /// Requests this harness's sandbox saw (a sandbox of its own: no other test's requests).
    public func requests(method: String? = nil, pathContains: String? = nil) -> [LoggedRequest] {
        server.requestLog.entries().filter { entry in
            (method == nil || entry.method == method) && (pathContains.map { entry.path.contains($0) } ?? true)
        }
    }
}

/// Runs `body` against a fresh sandbox and a client, and always stops both.
public func withSandbox(
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

extension LoggedRequest {
    /// The decoded query string, in order.
    public var queryItems: [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
        }
    }

    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.0 == name }?.1
    }

    public var jsonBody: JSONValue? {
        body.flatMap { try? JSONValue(parsing: $0) }
    }
}
