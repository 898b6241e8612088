import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A misbehaving HTTP/1.1 server on 127.0.0.1 for tests and benchmarks: every byte it sends is
/// chosen by a handler, so it can trickle, stay silent, cut a body, lie in its headers, reset
/// the connection, or forward to an upstream (the sandbox) and bend the answer. Never linked into dbtsh.
///
///     let server = try await HostileServer.start(upstream: sandbox.baseURL, handler: Hostile.route(
///         { $0.path.hasSuffix("/jobs/") }, Hostile.ignoringOffset))
public final class HostileServer: Sendable {
    /// `http://127.0.0.1:PORT` (or `https://`), no trailing slash.
    public let baseURL: URL
    /// The server certificate's PEM when serving TLS (to pass as `--ca-file`).
    public let certificatePEM: String?
    let upstream: URL?
    let forwarder: HTTPClient?

    private let serverChannel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let state = Mutex(State())
    private let acceptTask = Mutex<Task<Void, Never>?>(nil)

    private struct State {
        var requests: [HostileRequest] = []
        var connections = 0
        var open: [ObjectIdentifier: any Channel] = [:]
    }

    private init(
        baseURL: URL, certificatePEM: String?, upstream: URL?,
        serverChannel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    ) {
        self.baseURL = baseURL
        self.certificatePEM = certificatePEM
        self.upstream = upstream
        self.forwarder = upstream.map { _ in
            HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(60))))
        }
        self.serverChannel = serverChannel
    }

    /// Starts listening on a free loopback port. `tls` serves HTTPS with that certificate;
    /// `upstream` is where `HostileExchange.forward` sends requests.
    public static func start(
        tls: TestCertificate? = nil, upstream: URL? = nil, handler: @escaping HostileHandler
    ) async throws -> HostileServer {
        let sslContext = try tls.map { try NIOSSLContext(configuration: try $0.serverConfiguration()) }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        let port = channel.channel.localAddress?.port ?? 0
        let scheme = tls == nil ? "http" : "https"
        guard let url = URL(string: "\(scheme)://127.0.0.1:\(port)") else { throw HostileServerError("no URL for port \(port)") }
        let server = HostileServer(baseURL: url, certificatePEM: tls?.certificatePEM, upstream: upstream, serverChannel: channel)
        server.acceptTask.withLock { $0 = Task { await server.accept(handler) } }
        return server
    }

    private func accept(_ handler: @escaping HostileHandler) async {
        await withDiscardingTaskGroup { group in
            try? await serverChannel.executeThenClose { inbound in
                for try await connection in inbound {
                    let key = ObjectIdentifier(connection.channel)
                    state.withLock {
                        $0.connections += 1
                        $0.open[key] = connection.channel
                    }
                    group.addTask {
                        await HostileConnection(server: self, channel: connection).serve(handler)
                        _ = self.state.withLock { $0.open.removeValue(forKey: key) }
                    }
                }
            }
        }
    }

    /// Every request read so far, in arrival order.
    public var requests: [HostileRequest] { state.withLock { $0.requests } }

    /// Connections accepted so far (TLS handshakes that failed included).
    public var connectionCount: Int { state.withLock { $0.connections } }

    func record(_ build: (Int) -> HostileRequest) -> HostileRequest {
        state.withLock { state in
            let request = build(state.requests.count + 1)
            state.requests.append(request)
            return request
        }
    }

    /// Closes the listener and every connection (a handler that hangs returns), then waits.
    public func stop() async {
        try? await serverChannel.channel.close()
        let open = state.withLock { Array($0.open.values) }
        for channel in open { try? await channel.close() }
        let task = acceptTask.withLock { $0 }
        await task?.value
        try? await forwarder?.shutdown()
    }
}

struct HostileServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A handler decides everything the server sends for one request.
public typealias HostileHandler = @Sendable (HostileRequest, HostileExchange) async throws -> Void

/// One request as the client sent it.
public struct HostileRequest: Sendable, CustomStringConvertible {
    /// 1-based, counted across the server's connections.
    public let number: Int
    public let method: String
    /// The request target: path and query.
    public let target: String
    public let headers: [HTTPField]
    public let body: [UInt8]

    public struct HTTPField: Sendable {
        public let name: String
        public let value: String
    }

    public var path: String { String(target.prefix { $0 != "?" }) }

    public var query: String? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return String(target[target.index(after: mark)...])
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The decoded value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    public var queryItems: [(name: String, value: String)] {
        (query ?? "").split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
        }
    }

    /// The same request with a query parameter set (added when absent).
    public func settingQuery(_ name: String, to value: String) -> HostileRequest {
        var found = false
        var pairs = (query ?? "").split(separator: "&").map(String.init).map { pair -> String in
            guard pair.hasPrefix(name + "=") || pair == name else { return pair }
            found = true
            return "\(name)=\(value)"
        }
        if !found { pairs.append("\(name)=\(value)") }
        return HostileRequest(number: number, method: method, target: path + "?" + pairs.joined(separator: "&"), headers: headers, body: body)
    }

    public var description: String { "#\(number) \(method) \(target)" }
}

/// What a handler sends, as a whole response.
public struct HostileResponse: Sendable {
    public var status: Int
    public var reason: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, reason: String? = nil, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.reason = reason ?? HostileResponse.reasons[status] ?? "Status"
        self.headers = headers
        self.body = body
    }

    /// A JSON body with `Content-Type: application/json`.
    public static func json(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> HostileResponse {
        HostileResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
    }

    /// The dbt Cloud error envelope.
    public static func envelope(status: Int, message: String, headers: [(name: String, value: String)] = []) -> HostileResponse {
        json(#"{"status":{"code":\#(status),"is_success":false,"user_message":"\#(message)","developer_message":""},"data":null}"#,
             status: status, headers: headers)
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Status line, headers (a Content-Length of the body unless one is given) and body.
    public var bytes: [UInt8] {
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if header("Content-Length") == nil, header("Transfer-Encoding") == nil { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    static let reasons: [Int: String] = [
        200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found", 307: "Temporary Redirect",
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
        500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
    ]
}

/// The connection a handler answers on: bytes, pauses, resets, and forwarding upstream.
public final class HostileExchange: Sendable {
    let server: HostileServer
    let channel: any Channel
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let ended = Mutex(false)

    init(server: HostileServer, channel: any Channel, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.server = server
        self.channel = channel
        self.outbound = outbound
    }

    /// Whether the handler closed or reset the connection (no further request is read).
    var hasEnded: Bool { ended.withLock { $0 } }

    public func send(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    public func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    public func respond(_ response: HostileResponse) async throws {
        try await send(response.bytes)
    }

    public func pause(_ duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }

    /// Closes the connection with a TCP reset (SO_LINGER 0).
    public func reset() async {
        ended.withLock { $0 = true }
        if let provider = channel as? any SocketOptionProvider {
            try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }

    /// Closes the connection cleanly (FIN), whatever was or was not sent.
    public func close() async {
        ended.withLock { $0 = true }
        try? await channel.close()
    }

    /// Sends nothing until the client gives up (or the server stops).
    public func hang() async {
        ended.withLock { $0 = true }
        try? await channel.closeFuture.get()
    }

    /// The upstream's answer to `request` (the server must have been started with `upstream`).
    public func forward(_ request: HostileRequest) async throws -> HostileResponse {
        guard let upstream = server.upstream, let client = server.forwarder else {
            throw HostileServerError("forward: the hostile server has no upstream")
        }
        var outgoing = HTTPClientRequest(url: upstream.absoluteString + request.target)
        outgoing.method = .RAW(value: request.method)
        for field in request.headers where !["host", "connection", "content-length", "transfer-encoding"].contains(field.name.lowercased()) {
            outgoing.headers.add(name: field.name, value: field.value)
        }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let answer = try await client.execute(outgoing, timeout: .seconds(60))
        let body = try await answer.body.collect(upTo: 256 * 1024 * 1024)
        let headers = answer.headers
            .filter { !["content-length", "transfer-encoding", "connection"].contains($0.name.lowercased()) }
            .map { (name: $0.name, value: $0.value) }
        return HostileResponse(status: Int(answer.status.code), reason: answer.status.reasonPhrase, headers: headers,
                               body: Array(buffer: body))
    }
}

/// Reads requests off one connection and hands each to the handler, until a handler ends the
/// connection or the client goes away.
struct HostileConnection {
    let server: HostileServer
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static let maxHeaderBytes = 64 * 1024

    func serve(_ handler: HostileHandler) async {
        try? await channel.executeThenClose { inbound, outbound in
            var pending: [UInt8] = []
            var iterator = inbound.makeAsyncIterator()
            while true {
                guard let request = try await readRequest(&pending, &iterator) else { return }
                let exchange = HostileExchange(server: server, channel: channel.channel, outbound: outbound)
                do {
                    try await handler(request, exchange)
                } catch {
                    await exchange.close()
                }
                if exchange.hasEnded { return }
            }
        }
    }

    private func readRequest(
        _ pending: inout [UInt8], _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    ) async throws -> HostileRequest? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find(separator, in: pending)
            if headEnd != nil { break }
            guard pending.count < Self.maxHeaderBytes, let chunk = try await iterator.next() else { return nil }
            pending += Array(buffer: chunk)
        }
        guard let end = headEnd else { return nil }
        let head = String(decoding: pending[..<end], as: UTF8.self)
        pending.removeFirst(end + separator.count)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        let headers = lines.compactMap { line -> HostileRequest.HTTPField? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return .init(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        while pending.count < length {
            guard let chunk = try await iterator.next() else { return nil }
            pending += Array(buffer: chunk)
        }
        let body = Array(pending.prefix(length))
        pending.removeFirst(min(length, pending.count))
        return server.record { number in
            HostileRequest(number: number, method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}
