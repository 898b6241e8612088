import DbtCloud
import Foundation
import Sandbox

/// A hostile server, with a sandbox behind it when asked for, and a client pointed at the
/// hostile one: what the client's and the shell's hostile tests both start from.
public struct HostileSetup: Sendable {
    public let server: HostileServer
    public let sandbox: SandboxServer?
    public let client: DbtCloudClient

    /// Starts both servers and the client; on any failure, stops what was started.
    public static func start(
        upstream: Bool, extraRuns: Int = 0, stepSeconds: Double = 0.2, tls: TestCertificate? = nil,
        options: ClientOptions, handler: @escaping HostileHandler
    ) async throws -> HostileSetup {
        let sandbox = upstream ? try await SandboxServer.start(.init(stepSeconds: stepSeconds, extraRuns: extraRuns)) : nil
        let server: HostileServer
        do {
            server = try await HostileServer.start(tls: tls, upstream: sandbox?.baseURL, handler: handler)
        } catch {
            await sandbox?.stop()
            throw error
        }
        do {
            let client = try DbtCloudClient(
                host: try DbtHost.parse(server.baseURL.absoluteString), token: APIToken(DemoWorld.token), options: options)
            return HostileSetup(server: server, sandbox: sandbox, client: client)
        } catch {
            await server.stop()
            await sandbox?.stop()
            throw error
        }
    }

    public func stop() async {
        await client.shutdown()
        await server.stop()
        await sandbox?.stop()
    }
}
