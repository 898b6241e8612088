import Foundation
import Synchronization
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore

/// A local dbt Cloud on loopback: Admin API v2/v3 under `/api`, Discovery at `/graphql`.
public final class SandboxServer: Sendable {
    /// e.g. `http://127.0.0.1:53211`, without a trailing slash.
    public let baseURL: URL
    /// The PEM of the self-signed certificate when serving TLS.
    public let certificatePEM: String?
    public let faults: FaultInjector
    public let requestLog: RequestLog

    private let serverTask: Task<Void, any Error>

    private init(baseURL: URL, certificatePEM: String?, faults: FaultInjector, requestLog: RequestLog, serverTask: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.certificatePEM = certificatePEM
        self.faults = faults
        self.requestLog = requestLog
        self.serverTask = serverTask
    }

    public static func start(_ configuration: SandboxConfiguration = .init()) async throws -> SandboxServer {
        let api = SandboxAPI(world: DemoSeed.world(extraRuns: configuration.extraRuns, secondAccount: configuration.secondAccount),
                             stepSeconds: configuration.stepSeconds)
        let faults = FaultInjector()
        let requestLog = RequestLog()
        let responder = SandboxResponder(api: api, faults: faults, log: requestLog)

        let certificate = configuration.tls ? try SelfSignedCertificate() : nil
        let bound = BoundPort()
        let applicationConfiguration = ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: nil)
        let onServerRunning: @Sendable (any Channel) async -> Void = { channel in
            bound.resolve(.success(channel.localAddress?.port ?? 0))
        }
        let logger = Logger(label: "dbtsh.sandbox", factory: { _ in SwiftLogNoOpLogHandler() })
        let app: Application<SandboxResponder>
        if let certificate {
            app = Application(
                responder: responder, server: try .tls(.http1(), tlsConfiguration: try certificate.serverConfiguration()),
                configuration: applicationConfiguration, onServerRunning: onServerRunning, logger: logger)
        } else {
            app = Application(
                responder: responder, configuration: applicationConfiguration, onServerRunning: onServerRunning,
                logger: logger)
        }
        let task = Task {
            do {
                try await app.run()
            } catch {
                bound.resolve(.failure(error))
                throw error
            }
            bound.resolve(.failure(CancellationError()))
        }
        let port: Int
        do {
            port = try await bound.value()
        } catch {
            task.cancel()
            throw error
        }
        let scheme = configuration.tls ? "https" : "http"
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let baseURL = URL(string: "\(scheme)://\(host):\(port)")!
        api.baseURL = baseURL.absoluteString
        return SandboxServer(
            baseURL: baseURL, certificatePEM: certificate?.certificatePEM, faults: faults, requestLog: requestLog,
            serverTask: task)
    }

    public func stop() async {
        serverTask.cancel()
        _ = await serverTask.result
    }
}

/// Hands the listening port from the server's start callback to `start`, exactly once.
private final class BoundPort: Sendable {
    private let state = Mutex<(result: Result<Int, any Error>?, waiter: CheckedContinuation<Int, any Error>?)>((nil, nil))

    func resolve(_ result: Result<Int, any Error>) {
        let waiter: CheckedContinuation<Int, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = state.withLock { state in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
