import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import Synchronization

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
    /// Whether the body is parsed into a `JSONValue` (artifacts are only checked, never parsed).
    var parsesJSON = true
    /// A download streams to disk: each attempt has `downloadTimeout` instead of the budget.
    var isDownload = false
}

/// The raw transport: retries within a time budget, deadlines that cover the body, notices,
/// trace lines, error mapping. Knows nothing of endpoints.
final class Transport: Sendable {
    let host: DbtHost
    let token: APIToken
    let options: ClientOptions

    static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]

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
            timeout: .init(connect: Self.timeAmount(options.connectTimeout), read: Self.timeAmount(options.idleTimeout)),
            decompression: .enabled(limit: .ratio(100)))
        // Our own loop decides about retries; the pool must fail a refused connection at once.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        self.configuration = configuration
        self.host = host
        self.token = token
        self.options = options
    }

    /// The HTTP client is made on the first request: until then no event loop or thread runs
    /// (`dbtsh -c exit` starts none).
    private enum Connection {
        case idle
        case open(HTTPClient)
        case closed
    }

    private let configuration: HTTPClient.Configuration
    private let connection = Mutex(Connection.idle)

    /// The HTTP client, made on first use; a transport that was shut down refuses.
    func http() throws -> HTTPClient {
        try connection.withLock { state in
            switch state {
            case .open(let client):
                return client
            case .idle:
                let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
                state = .open(client)
                return client
            case .closed:
                throw DbtCloudError(kind: .configuration, message: "the API client was shut down")
            }
        }
    }

    func shutdown() async {
        try? await closeConnection()?.shutdown()
    }

    /// A client dropped without `shutdown()` still releases its connections (AHC would trap in debug builds).
    deinit {
        closeConnection()?.shutdown { _ in }
    }

    private func closeConnection() -> HTTPClient? {
        connection.withLock { state in
            defer { state = .closed }
            if case .open(let client) = state { return client }
            return nil
        }
    }

    // MARK: - Buffered requests

    func perform(_ spec: RequestSpec) async throws -> APIResponse {
        let limit = options.maxResponseBytes
        return try await withRetries(spec) { _, deadline in
            let request = self.makeRequest(spec)
            let started = ContinuousClock.now
            let response = try await self.http().execute(request, deadline: Self.nioDeadline(deadline))
            let status = Int(response.status.code)
            if let declared = response.headers.first(name: "Content-Length").flatMap({ Int($0) }), declared > limit {
                throw self.tooLarge(spec, status: status, limit: limit)
            }
            var buffer = ByteBuffer()
            for try await chunk in response.body {
                guard buffer.readableBytes + chunk.readableBytes <= limit else {
                    throw self.tooLarge(spec, status: status, limit: limit)
                }
                var chunk = chunk
                buffer.writeBuffer(&chunk)
            }
            let body = Data(buffer: buffer)
            self.traceResponse(spec, status: status, started: started, bytes: body.count)
            return AttemptOutcome(status: status, headers: response.headers, body: body)
        }
    }

    private func tooLarge(_ spec: RequestSpec, status: Int, limit: Int) -> DbtCloudError {
        DbtCloudError(
            kind: .invalidResponse, method: spec.method.rawValue, path: spec.path, status: status,
            message: "the response is larger than \(limit / (1024 * 1024)) MiB; dbtsh does not read it")
    }

    struct AttemptOutcome: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    /// Runs attempts until one returns a final status, retrying per `spec.retryMode` while the
    /// policy's budget lasts; maps the result to an `APIResponse` (2xx) or a `DbtCloudError`.
    /// `body` gets the attempt number and the attempt's deadline (which it need not enforce: an
    /// attempt still running at its deadline is cancelled).
    func withRetries(
        _ spec: RequestSpec,
        attempt body: @escaping @Sendable (Int, ContinuousClock.Instant) async throws -> AttemptOutcome
    ) async throws -> APIResponse {
        let policy = options.retry
        let started = ContinuousClock.now
        let budgetEnd = started + policy.budget
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let attemptStart = ContinuousClock.now
            let deadline =
                spec.isDownload
                ? attemptStart + options.downloadTimeout
                : min(attemptStart + options.requestTimeout, max(budgetEnd, attemptStart + Self.shortestAttempt))
            let outcome: AttemptOutcome
            do {
                let number = attempt
                let hostName = host.displayName
                var notice: (@Sendable (Int64) -> String)?
                if !spec.isDownload {
                    notice = { seconds in "waiting for \(hostName) (\(seconds) s)…" }
                }
                let work: @Sendable () async throws -> AttemptOutcome = { try await body(number, deadline) }
                outcome = try await AttemptRunner.run(
                    until: deadline, noticeDelay: options.noticeDelay, since: started, notice: notice, work)
            } catch {
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                if let error = error as? DbtCloudError { throw error }
                let failure = TransportFailure(
                    error, host: host.displayName, idleTimeout: options.idleTimeout,
                    attemptTime: spec.isDownload ? options.downloadTimeout : deadline - attemptStart)
                trace("<- \(spec.method.rawValue) \(traceURL(spec)) failed: \(failure.summary)")
                let mayRetry = !failure.isPermanent && (spec.retryMode == .idempotent || !failure.mayHaveReachedServer)
                let delay = policy.backoff(afterFailedAttempt: attempt)
                if mayRetry, attempt < policy.maxAttempts, fitsBudget(delay, budgetEnd: budgetEnd, spec: spec) {
                    try await pause(delay, spec: spec, reason: failure.summary)
                    continue
                }
                var message = token.redact(failure.summary)
                if mayRetry { message += Self.gaveUp(since: started) }
                throw DbtCloudError(
                    kind: failure.isTimeout ? .timeout : .network, method: spec.method.rawValue, path: spec.path,
                    message: message, attempts: attempt, mayHaveBeenProcessed: failure.mayHaveReachedServer)
            }
            let status = outcome.status
            if (200..<300).contains(status) {
                let verdict = Self.judgeBody(outcome.body, spec: spec)
                if case .invalid = verdict, spec.retryMode == .idempotent, attempt < policy.maxAttempts {
                    let delay = policy.backoff(afterFailedAttempt: attempt)
                    if fitsBudget(delay, budgetEnd: budgetEnd, spec: spec) {
                        trace("<- \(status) \(spec.method.rawValue) \(traceURL(spec)): the body is not valid JSON")
                        try await pause(delay, spec: spec, reason: "the answer is not valid JSON")
                        continue
                    }
                }
                if case .invalid = verdict {
                    throw DbtCloudError(
                        kind: .invalidResponse, method: spec.method.rawValue, path: spec.path, status: status,
                        message: token.redact(
                            "the response is not valid JSON: \(ErrorMapping.snippet(of: outcome.body, status: status))"),
                        attempts: attempt)
                }
                let headers = outcome.headers.map { (name: $0.name, value: $0.value) }
                let json: JSONValue? = if case .parsed(let value) = verdict { value } else { nil }
                return APIResponse(status: status, headers: headers, body: outcome.body, json: json)
            }
            let retryable =
                status == 429 || (spec.retryMode == .idempotent && Self.retryableStatuses.contains(status))
            var budgetNote = retryable ? Self.gaveUp(since: started) : ""
            if retryable, attempt < policy.maxAttempts {
                let retryAfter = outcome.headers.first(name: "Retry-After").flatMap(Self.parseRetryAfter)
                let delay = policy.delay(afterFailedAttempt: attempt, retryAfter: retryAfter)
                if let retryAfter, retryAfter > policy.maxRetryAfter {
                    budgetNote = "; it asked to retry after \(Self.seconds(retryAfter)) s"
                } else if fitsBudget(delay, budgetEnd: budgetEnd, spec: spec) {
                    try await pause(delay, spec: spec, reason: "\(status) \(HTTPStatusText.reason(status))")
                    continue
                } else if retryAfter != nil {
                    budgetNote = "; it asked to retry after \(Self.seconds(delay)) s" + Self.gaveUp(since: started)
                }
            }
            let error = ErrorMapping.error(
                method: spec.method.rawValue, path: spec.path, status: status, body: outcome.body, host: host,
                attempts: attempt, location: outcome.headers.first(name: "Location"))
            throw DbtCloudError(
                kind: error.kind, method: error.method, path: error.path, status: error.status,
                message: token.redact(error.message + budgetNote), fieldErrors: error.fieldErrors, hint: error.hint,
                responseBody: error.responseBody, attempts: error.attempts,
                mayHaveBeenProcessed: status >= 500)
        }
    }

    /// No attempt is started with less time than this left.
    static let shortestAttempt: Duration = .seconds(1)

    /// Whether waiting `delay` leaves time in the budget for another attempt.
    private func fitsBudget(_ delay: Duration, budgetEnd: ContinuousClock.Instant, spec: RequestSpec) -> Bool {
        let resume = ContinuousClock.now + delay
        if spec.isDownload { return resume < budgetEnd }
        return resume + min(Self.shortestAttempt, options.requestTimeout) <= budgetEnd
    }

    private static func gaveUp(since started: ContinuousClock.Instant) -> String {
        "; gave up after \(seconds(ContinuousClock.now - started)) s"
    }

    enum BodyVerdict {
        case parsed(JSONValue)
        case valid
        case invalid
    }

    /// A 2xx body: parsed when the spec wants JSON, only checked when it is an artifact.
    static func judgeBody(_ body: Data, spec: RequestSpec) -> BodyVerdict {
        if body.isEmpty { return .valid }
        if spec.parsesJSON, let json = try? JSONValue(parsing: body) { return .parsed(json) }
        if !spec.expectsJSON { return .valid }
        if !spec.parsesJSON, JSONValidator.isValid(body) { return .valid }
        return .invalid
    }

    private func pause(_ delay: Duration, spec: RequestSpec, reason: String) async throws {
        trace("   retrying \(spec.method.rawValue) \(spec.path) in \(Self.milliseconds(delay)) ms (\(reason))")
        ClientNotices.post("retrying \(spec.method.rawValue) \(spec.path) in \(Self.secondsText(delay)) (\(token.redact(reason)))…")
        try await Task.sleep(for: delay)
    }

    /// `Retry-After` in seconds, capped at a day (HTTP dates are rare here and treated as absent).
    /// Infinite, NaN, negative and absurd values never reach an integer conversion.
    static func parseRetryAfter(_ value: String) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.count <= 32, let seconds = Double(text), seconds.isFinite, seconds >= 0 else { return nil }
        return .milliseconds(Int64(min(seconds, 86_400) * 1000))
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

    /// Never traps: negative durations are zero, huge ones a century.
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return .zero }
        guard seconds < 3_153_600_000 else { return .seconds(3_153_600_000) }
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    static func nioDeadline(_ instant: ContinuousClock.Instant) -> NIODeadline {
        .now() + timeAmount(max(.zero, instant - .now))
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// Whole seconds, rounded to the nearest.
    static func seconds(_ duration: Duration) -> Int64 {
        (milliseconds(duration) + 500) / 1000
    }

    /// `0.5 s`, `2 s`.
    static func secondsText(_ duration: Duration) -> String {
        let ms = milliseconds(duration)
        return ms < 10_000 ? String(format: "%.1f s", Double(ms) / 1000) : "\(seconds(duration)) s"
    }
}

/// Runs one attempt under its deadline (the body included, which AsyncHTTPClient's own deadline
/// does not cover), posting `waiting for …` notices while it lasts.
enum AttemptRunner {
    struct DeadlinePassed: Error {}

    static func run<T: Sendable>(
        until deadline: ContinuousClock.Instant, noticeDelay: Duration, since started: ContinuousClock.Instant,
        notice: (@Sendable (Int64) -> String)?, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                throw DeadlinePassed()
            }
            if let notice, ClientNotices.isListening {
                group.addTask {
                    // At noticeDelay after the request began, then every 10 s.
                    var next = max(started + noticeDelay, ContinuousClock.now + .milliseconds(100))
                    while true {
                        try await Task.sleep(until: next, clock: .continuous)
                        ClientNotices.post(notice(Transport.seconds(ContinuousClock.now - started)))
                        next = next + .seconds(10)
                    }
                }
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let value = result { return value }
            }
            throw CancellationError()
        }
    }
}

/// Classifies a transport error: could the server have seen (and acted on) the request, is it
/// worth another attempt, and one line that says what happened without library internals.
struct TransportFailure {
    let summary: String
    let mayHaveReachedServer: Bool
    let isTimeout: Bool
    /// Another attempt would fail the same way (a certificate that cannot be verified).
    let isPermanent: Bool

    init(_ error: any Error, host: String, idleTimeout: Duration, attemptTime: Duration) {
        let idle = Transport.secondsText(idleTimeout)
        let whole = Transport.secondsText(attemptTime)
        if error is AttemptRunner.DeadlinePassed {
            self.init(summary: "the answer did not complete within \(whole)", reached: true, timeout: true)
            return
        }
        if let failure = TLSFailure(error, host: host) {
            self.init(summary: failure.summary, reached: false, timeout: false, permanent: failure.isVerification)
            return
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout:
                self.init(summary: "could not connect to \(host) (timed out)", reached: false, timeout: true)
            case .tlsHandshakeTimeout:
                self.init(summary: "TLS handshake with \(host) timed out", reached: false, timeout: true)
            case .readTimeout:
                self.init(summary: "no answer from \(host) for \(idle)", reached: true, timeout: true)
            case .deadlineExceeded, .writeTimeout:
                self.init(summary: "the answer did not complete within \(whole)", reached: true, timeout: true)
            case .remoteConnectionClosed:
                self.init(summary: "connection closed by the server", reached: true, timeout: false)
            case .bodyLengthMismatch:
                self.init(summary: "response cut short (fewer bytes than its Content-Length)", reached: true, timeout: false)
            default:
                self.init(summary: "HTTP failure: \(Self.shortName(error))", reached: true, timeout: false)
            }
            return
        }
        if let error = error as? HTTPParserError {
            self.init(summary: "the server's answer is not valid HTTP (\(error.debugDescription))", reached: true, timeout: false)
            return
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                self.init(summary: "could not connect to \(host) (timed out)", reached: false, timeout: true)
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed:
                self.init(summary: "connection closed by the server", reached: true, timeout: false)
            default:
                self.init(summary: "connection failure: \(Self.shortName(error))", reached: true, timeout: false)
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
        if error is NIOTooManyBytesError {
            self.init(summary: "the response is too large", reached: true, timeout: false, permanent: true)
            return
        }
        let typeName = String(reflecting: type(of: error))
        if typeName.contains("NIOConnectionError") || typeName.contains("SocketAddressError") {
            self.init(summary: "connection failed: \(Self.connectionReason(error, host: host))", reached: false, timeout: false)
            return
        }
        if typeName.hasPrefix("DbtCloud.") {
            self.init(summary: DbtCloudError.oneLine("\(error)"), reached: true, timeout: false)
            return
        }
        self.init(summary: "failure: \(Self.shortName(error))", reached: true, timeout: false)
    }

    private init(summary: String, reached: Bool, timeout: Bool, permanent: Bool = false) {
        self.summary = summary
        self.mayHaveReachedServer = reached
        self.isTimeout = timeout
        self.isPermanent = permanent
    }

    /// The case name of a library error (`invalidStatus`), never its payload or source paths.
    static func shortName(_ error: any Error) -> String {
        let text = "\(error)"
        let name = text.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        let last = name.split(separator: ".").last.map(String.init) ?? ""
        return last.isEmpty ? String(describing: type(of: error)) : last
    }

    private static func connectionReason(_ error: any Error, host: String) -> String {
        let text = "\(error)"
        if text.contains("refused") || text.contains("\(ECONNREFUSED)") { return "connection refused" }
        if text.contains("NIODNSError") || text.contains("resolution") || text.contains("getaddrinfo")
            || text.contains("nodename")
        {
            return "cannot resolve \(host)"
        }
        return "cannot reach \(host)"
    }
}

/// A TLS failure as a person reads it: which host, and why (never BoringSSL's text, which
/// carries build paths).
struct TLSFailure {
    let summary: String
    /// The certificate could not be verified: no retry can help.
    let isVerification: Bool

    init?(_ error: any Error, host: String) {
        let text = "\(error)"
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            summary = "TLS: the certificate of \(host) is not valid for that name"
            isVerification = true
            return
        }
        guard error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError else { return nil }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            summary = "TLS: the certificate of \(host) could not be verified (not trusted, expired or for another name); for a TLS-intercepting proxy pass --ca-file"
            isVerification = true
        } else if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") || text.contains("HTTP_REQUEST") {
            summary = "TLS: \(host) did not answer with TLS (is it a plain http server?)"
            isVerification = true
        } else if let reason = Self.reasonCode(in: text) {
            summary = "TLS handshake with \(host) failed (\(reason))"
            isVerification = false
        } else {
            summary = "TLS failure with \(host) (\(TransportFailure.shortName(error)))"
            isVerification = false
        }
    }

    /// The last BoringSSL reason name in the text (`SSLV3_ALERT_HANDSHAKE_FAILURE`).
    private static func reasonCode(in text: String) -> String? {
        let words = text.split(whereSeparator: { !($0.isUppercase || $0.isNumber || $0 == "_") })
        return words.last { $0.count >= 6 && $0.contains("_") && $0.first?.isLetter == true }.map(String.init)
    }
}
