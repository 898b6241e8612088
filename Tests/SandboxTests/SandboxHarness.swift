import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Sandbox

/// A response as a test sees it.
struct TestResponse {
    let status: Int
    let headers: [(String, String)]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    var data: [String: Any]? { json?["data"] as? [String: Any] }
    var list: [[String: Any]] { json?["data"] as? [[String: Any]] ?? [] }
    var userMessage: String? { (json?["status"] as? [String: Any])?["user_message"] as? String }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Real HTTP against a fresh sandbox on 127.0.0.1; redirects are not followed so tests see them.
struct SandboxClient {
    let server: SandboxServer
    let http: HTTPClient

    func request(
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

    func get(_ path: String, authorization: String? = "Token \(DemoWorld.token)") async throws -> TestResponse {
        try await request("GET", path, authorization: authorization)
    }

    func post(_ path: String, _ body: String? = nil) async throws -> TestResponse {
        try await request("POST", path, body: body)
    }

    /// Polls a run until `condition` holds or `seconds` pass; returns the last `data`.
    func waitForRun(
        _ id: Int, include: String = "run_steps", seconds: Double = 10, until condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        var last: [String: Any] = [:]
        while Date() < deadline {
            last = try await get("/api/v2/accounts/43/runs/\(id)/?include_related=\(include)").data ?? [:]
            if condition(last) { return last }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        return last
    }
}

/// Starts a sandbox (fast runs by default), hands a client to `body`, and tears both down.
@discardableResult
func withSandbox<T>(
    _ configuration: SandboxConfiguration = SandboxConfiguration(stepSeconds: 0.05),
    trustingCertificate: Bool = false,
    connectTimeout: TimeAmount = .seconds(10),
    _ body: (SandboxClient) async throws -> T
) async throws -> T {
    let server = try await SandboxServer.start(configuration)
    var tls: TLSConfiguration?
    if trustingCertificate, let pem = server.certificatePEM {
        var clientTLS = TLSConfiguration.makeClientConfiguration()
        clientTLS.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
        tls = clientTLS
    }
    let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow, timeout: .init(connect: connectTimeout)))
    do {
        let result = try await body(SandboxClient(server: server, http: http))
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
    func int(_ key: String) -> Int? { self[key] as? Int }
    func string(_ key: String) -> String? { self[key] as? String }
    func bool(_ key: String) -> Bool? { self[key] as? Bool }
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func objects(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
}
