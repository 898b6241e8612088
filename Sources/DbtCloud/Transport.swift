import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// One HTTP response as the API sent it.
public struct APIResponse: Sendable {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: Data
    /// The body parsed as JSON, when it is JSON.
    public let json: JSONValue?

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The envelope's `data` (or the whole JSON when there is no envelope).
    public var data: JSONValue? {
        guard let json else { return nil }
        if case .object(let object) = json, object["status"] != nil, let data = object["data"] { return data }
        return json
    }
}

/// When a failed request may be sent again.
enum RetryMode: Sendable {
    /// GET and read-only GraphQL: retried on 429, 500/502/503/504, resets and timeouts.
    case idempotent
    /// POST/PUT/PATCH/DELETE: retried only when the server cannot have acted on it: a connection
    /// that failed before any byte was written, or a 429 (the request was refused, not processed).
    case unsafe
}

struct RequestSpec: Sendable {
    var method: HTTPMethod
    var url: String
    /// The path shown in errors and traces (no host, no query).
    var path: String
    var body: Data?
    var authScheme = "Token"
    var retryMode: RetryMode
    var accept = "application/json"
    /// A 2xx body that is not JSON counts as a failed attempt (a cut or garbled response).
    var expectsJSON = true
}

/// The raw transport: retries, timeouts, trace lines, error mapping. Knows nothing of endpoints.
final class Transport: Sendable {
    let http: HTTPClient
    let host: DbtHost
    let token: APIToken
    let options: ClientOptions

    static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]
    static let maxBodyBytes = 512 * 1024 * 1024

    init(host: DbtHost, token: APIToken, options: ClientOptions) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = options.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw DbtCloudError.configuration("cannot read the CA file `\(caFile)`")
            }
            do {
                tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))]
            } catch {
                throw DbtCloudError.configuration("`\(caFile)` is not a PEM certificate file")
            }
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .nanoseconds(Int64(options.connectTimeout.nanoseconds)),
                read: .nanoseconds(Int64(options.requestTimeout.nanoseconds))),
            decompression: .enabled(limit: .ratio(100)))
        // Our own loop decides about retries; the pool must fail a refused connection at once.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.host = host
        self.token = token
        self.options = options
    }

    private let shutDown = OnceFlag()

    func shutdown() async {
        guard shutDown.setIfFirst() else { return }
        try? await http.shutdown()
    }

    /// A client dropped without `shutdown()` still releases its connections (AHC would trap in debug builds).
    deinit {
        if shutDown.setIfFirst() {
            http.shutdown { _ in }
        }
    }

    // MARK: - Buffered requests

    func perform(_ spec: RequestSpec) async throws -> APIResponse {
        try await withRetries(spec) { attempt in
            let request = self.makeRequest(spec)
            let started = ContinuousClock.now
            let response = try await self.http.execute(request, deadline: .now() + self.timeAmount(self.options.requestTimeout))
            let buffer = try await response.body.collect(upTo: Self.maxBodyBytes)
            let body = Data(buffer: buffer)
            self.traceResponse(spec, status: Int(response.status.code), started: started, bytes: body.count)
            return AttemptOutcome(status: Int(response.status.code), headers: response.headers, body: body)
        }
    }

    struct AttemptOutcome: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    /// Runs attempts until one returns a final status, retrying per `spec.retryMode`; maps the
    /// result to an `APIResponse` (2xx) or a `DbtCloudError`.
    func withRetries(
        _ spec: RequestSpec, attempt body: @Sendable (Int) async throws -> AttemptOutcome
    ) async throws -> APIResponse {
        let policy = options.retry
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let outcome: AttemptOutcome
            do {
                outcome = try await body(attempt)
            } catch {
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                if let error = error as? DbtCloudError { throw error }
                let failure = TransportFailure(error)
                trace("<- \(spec.method.rawValue) \(traceURL(spec)) failed: \(failure.summary)")
                let mayRetry = spec.retryMode == .idempotent || !failure.mayHaveReachedServer
                if mayRetry, attempt < policy.maxAttempts {
                    try await pause(policy.delay(afterFailedAttempt: attempt, retryAfter: nil), spec: spec, attempt: attempt)
                    continue
                }
                throw DbtCloudError(
                    kind: failure.isTimeout ? .timeout : .network, method: spec.method.rawValue, path: spec.path,
                    message: token.redact(failure.summary), attempts: attempt)
            }
            let status = outcome.status
            if (200..<300).contains(status) {
                let json = outcome.body.isEmpty ? nil : try? JSONValue(parsing: outcome.body)
                if spec.expectsJSON, json == nil, !outcome.body.isEmpty, spec.retryMode == .idempotent,
                    attempt < policy.maxAttempts
                {
                    trace("<- \(status) \(spec.method.rawValue) \(traceURL(spec)): the body is not valid JSON")
                    try await pause(policy.backoff(afterFailedAttempt: attempt), spec: spec, attempt: attempt)
                    continue
                }
                if spec.expectsJSON, json == nil, !outcome.body.isEmpty {
                    throw DbtCloudError(
                        kind: .invalidResponse, method: spec.method.rawValue, path: spec.path, status: status,
                        message: "the response is not valid JSON: \(ErrorMapping.snippet(of: outcome.body, status: status))",
                        attempts: attempt)
                }
                let headers = outcome.headers.map { (name: $0.name, value: $0.value) }
                return APIResponse(status: status, headers: headers, body: outcome.body, json: json)
            }
            let retryable =
                status == 429 || (spec.retryMode == .idempotent && Self.retryableStatuses.contains(status))
            if retryable, attempt < policy.maxAttempts {
                let retryAfter = outcome.headers.first(name: "Retry-After").flatMap(Self.parseRetryAfter)
                try await pause(policy.delay(afterFailedAttempt: attempt, retryAfter: retryAfter), spec: spec, attempt: attempt)
                continue
            }
            let error = ErrorMapping.error(
                method: spec.method.rawValue, path: spec.path, status: status, body: outcome.body, host: host,
                attempts: attempt)
            throw DbtCloudError(
                kind: error.kind, method: error.method, path: error.path, status: error.status,
                message: token.redact(error.message), fieldErrors: error.fieldErrors, hint: error.hint,
                responseBody: error.responseBody, attempts: error.attempts)
        }
    }

    private func pause(_ delay: Duration, spec: RequestSpec, attempt: Int) async throws {
        trace("   retrying \(spec.method.rawValue) \(spec.path) in \(Self.milliseconds(delay)) ms (attempt \(attempt + 1) of \(options.retry.maxAttempts))")
        try await Task.sleep(for: delay)
    }

    /// `Retry-After` in seconds (HTTP dates are rare here and treated as absent).
    static func parseRetryAfter(_ value: String) -> Duration? {
        guard let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .milliseconds(Int64(seconds * 1000))
    }

    // MARK: - Building requests and trace lines

    func makeRequest(_ spec: RequestSpec) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: spec.url)
        request.method = spec.method
        request.headers.add(name: "Authorization", value: "\(spec.authScheme) \(token.secret)")
        request.headers.add(name: "Accept", value: spec.accept)
        request.headers.add(name: "User-Agent", value: options.userAgent)
        if let body = spec.body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        trace("-> \(spec.method.rawValue) \(traceURL(spec)) (Authorization: \(spec.authScheme) ****)")
        return request
    }

    func traceResponse(_ spec: RequestSpec, status: Int, started: ContinuousClock.Instant, bytes: Int) {
        let elapsed = ContinuousClock.now - started
        trace("<- \(status) \(spec.method.rawValue) \(traceURL(spec)) \(Self.milliseconds(elapsed)) ms \(bytes) bytes")
    }

    func trace(_ line: String) {
        options.trace?(token.redact(line))
    }

    private func traceURL(_ spec: RequestSpec) -> String { spec.url }

    func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(Int64(duration.nanoseconds))
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

/// True for the first caller of `setIfFirst()` only.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false

    func setIfFirst() -> Bool {
        lock.withLock {
            defer { isSet = true }
            return !isSet
        }
    }
}

extension Duration {
    var nanoseconds: Double {
        Double(components.seconds) * 1e9 + Double(components.attoseconds) / 1e9
    }
}

/// Classifies a transport error: could the server have seen (and acted on) the request?
struct TransportFailure {
    let summary: String
    let mayHaveReachedServer: Bool
    let isTimeout: Bool

    init(_ error: any Error) {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout:
                self.init(summary: "connect timed out", reached: false, timeout: true)
            case .tlsHandshakeTimeout:
                self.init(summary: "TLS handshake timed out", reached: false, timeout: true)
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                self.init(summary: "request timed out", reached: true, timeout: true)
            case .remoteConnectionClosed:
                self.init(summary: "connection closed by the server", reached: true, timeout: false)
            case .bodyLengthMismatch:
                self.init(summary: "response cut short", reached: true, timeout: false)
            default:
                self.init(summary: "\(error)", reached: true, timeout: false)
            }
            return
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                self.init(summary: "connect timed out", reached: false, timeout: true)
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed:
                self.init(summary: "connection closed by the server", reached: true, timeout: false)
            default:
                self.init(summary: "\(error)", reached: true, timeout: false)
            }
            return
        }
        if let error = error as? IOError {
            let code = error.errnoCode
            let beforeSending = [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(code)
            let reason = code == ECONNRESET ? "connection reset by peer" : String(cString: strerror(code))
            self.init(summary: beforeSending ? "connection failed: \(reason)" : reason, reached: !beforeSending, timeout: false)
            return
        }
        if error is NIOSSLError || error is BoringSSLError {
            self.init(summary: "TLS failure: \(error)", reached: false, timeout: false)
            return
        }
        let typeName = String(reflecting: type(of: error))
        if typeName.contains("NIOConnectionError") || typeName.contains("SocketAddressError") {
            self.init(summary: "connection failed: \(Self.connectionReason(error))", reached: false, timeout: false)
            return
        }
        if let error = error as? NIOSSLExtraError {
            self.init(summary: "TLS failure: \(error)", reached: false, timeout: false)
            return
        }
        self.init(summary: DbtCloudError.oneLine("\(error)"), reached: true, timeout: false)
    }

    private init(summary: String, reached: Bool, timeout: Bool) {
        self.summary = summary
        self.mayHaveReachedServer = reached
        self.isTimeout = timeout
    }

    private static func connectionReason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("refused") || text.contains("\(ECONNREFUSED)") { return "connection refused" }
        return DbtCloudError.oneLine(text).prefix(160).description
    }
}
