import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Sandbox

/// A response as a test sees it.
public struct TestResponse: Sendable {
    public let status: Int
    public let headers: [(String, String)]
    public let body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    public var data: [String: Any]? { json?["data"] as? [String: Any] }
    public var list: [[String: Any]] { json?["data"] as? [[String: Any]] ?? [] }
    public var userMessage: String? { (json?["status"] as? [String: Any])?["user_message"] as? String }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Plain HTTP against a sandbox on 127.0.0.1, without dbtsh's client: what any API user sends.
/// Redirects are not followed, so tests see them.
public struct SandboxHTTP: Sendable {
    public let server: SandboxServer
    let http: HTTPClient

    public func request(
        _ method: String, _ path: String, body: String? = nil, authorization: String? = "Token \(DemoWorld.token)",
        contentType: String = "application/json"
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: server.baseURL.absoluteString + path)
        request.method = .init(rawValue: method)
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(20))
        let bytes = try await response.body.collect(upTo: 16 * 1_024 * 1_024)
        return TestResponse(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: Data(bytes.readableBytesView))
    }

    public func get(_ path: String, authorization: String? = "Token \(DemoWorld.token)") async throws -> TestResponse {
        try await request("GET", path, authorization: authorization)
    }

    public func post(_ path: String, _ body: String? = nil) async throws -> TestResponse {
        try await request("POST", path, body: body)
    }

    /// Polls a run until `condition` holds (each poll is an event: the run as served); gives up
    /// after `seconds` and returns the last `data`.
    public func waitForRun(
        _ id: Int, include: String = "run_steps", seconds: Double = 10, until condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            last = try await get("/api/v2/accounts/43/runs/\(id)/?include_related=\(include)").data ?? [:]
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        return last
    }
}

/// Starts a sandbox (fast runs by default), hands a plain HTTP client to `body`, and tears both down.
@discardableResult
public func withSandboxHTTP<T>(
    _ configuration: SandboxConfiguration = SandboxConfiguration(stepSeconds: 0.05),
    trustingCertificate: Bool = false,
    connectTimeout: TimeAmount = .seconds(10),
    _ body: (SandboxHTTP) async throws -> T
) async throws -> T {
    let server = try await SandboxServer.start(configuration)
    var tls: TLSConfiguration?
    if trustingCertificate, let pem = server.certificatePEM {
        var clientTLS = TLSConfiguration.makeClientConfiguration()
        do {
            clientTLS.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
        } catch {
            await server.stop()
            throw error
        }
        tls = clientTLS
    }
    let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow, timeout: .init(connect: connectTimeout)))
    do {
        let result = try await body(SandboxHTTP(server: server, http: http))
        try await http.shutdown()
        await server.stop()
        return result
    } catch {
        try? await http.shutdown()
        await server.stop()
        throw error
    }
}

extension Dictionary where Key == String, Value == Any {
    public func int(_ key: String) -> Int? { self[key] as? Int }
    public func string(_ key: String) -> String? { self[key] as? String }
    public func bool(_ key: String) -> Bool? { self[key] as? Bool }
    public func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    public func objects(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
}
