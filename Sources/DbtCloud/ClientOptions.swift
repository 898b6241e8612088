import Foundation

/// Retries within a time budget: a request is sent again while `budget` (counted from its first
/// attempt) leaves room for the wait and another attempt. Attempt n (1-based) failed → wait
/// `min(maxDelay, baseDelay * 2^(n-1))`, scaled by a random factor in [0.5, 1] when `jitter` is on.
/// A `Retry-After` header wins over the backoff, capped at `maxRetryAfter`; one that points past
/// the budget ends the retries. `maxAttempts` is a safety cap the default budget never reaches.
public struct RetryPolicy: Sendable, Equatable {
    /// Total tries, the first included. 1 = never retry.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var maxRetryAfter: Duration
    public var jitter: Bool
    /// How long one request may take, all attempts and waits included (downloads: each attempt
    /// has `ClientOptions.downloadTimeout`, and is retried only while this budget lasts).
    public var budget: Duration

    public init(
        maxAttempts: Int = 12, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(60), jitter: Bool = true, budget: Duration = .seconds(30)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.jitter = jitter
        self.budget = max(budget, .zero)
    }

    public static let standard = RetryPolicy()
    public static let none = RetryPolicy(maxAttempts: 1)

    func backoff(afterFailedAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let raw = baseDelay * (1 << exponent)
        let capped = min(raw, maxDelay)
        guard jitter else { return capped }
        return capped * Double.random(in: 0.5...1.0)
    }

    func delay(afterFailedAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(retryAfter, maxRetryAfter) }
        return backoff(afterFailedAttempt: attempt)
    }
}

/// How the client connects, waits and retries, and where `--verbose` lines go.
///
/// Defaults, the budget a person waits: a server that accepts and stays silent is given up after
/// 30 s (two 15 s idle timeouts), one that trickles its answer after 30 s (the request deadline).
public struct ClientOptions: Sendable {
    /// A PEM file with an extra trust root (`--ca-file`), added to the system roots.
    public var caFile: String?
    public var connectTimeout: Duration
    /// No byte from the server for this long ends an attempt (waiting for the answer or in its body).
    public var idleTimeout: Duration
    /// Deadline of one attempt of an API request: connect, send, and the whole response, body included.
    public var requestTimeout: Duration
    /// Deadline of one attempt of an artifact download, which streams to disk.
    public var downloadTimeout: Duration
    /// A download slower than this many bytes over `idleTimeout * 2` is given up (a trickle).
    public var minimumDownloadBytes: Int
    /// The largest API response (not artifact) read into memory.
    public var maxResponseBytes: Int
    /// The most items a listing collects before it stops with an error.
    public var maxListItems: Int
    /// How long a request goes without an answer before `ClientNotices` says so.
    public var noticeDelay: Duration
    public var retry: RetryPolicy
    /// Pages fetched at once once `total_count` is known.
    public var pageConcurrency: Int
    /// `limit` of list requests; never above 100 (the API refuses more).
    public var pageSize: Int
    /// One line per request and per response (`--verbose`); the token shows as `Token ****`.
    public var trace: (@Sendable (String) -> Void)?
    public var userAgent: String

    public init(
        caFile: String? = nil, connectTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(15),
        requestTimeout: Duration = .seconds(30), downloadTimeout: Duration = .seconds(600),
        minimumDownloadBytes: Int = 32 * 1024, maxResponseBytes: Int = 64 * 1024 * 1024, maxListItems: Int = 10_000,
        noticeDelay: Duration = .seconds(5), retry: RetryPolicy = .standard, pageConcurrency: Int = 4,
        pageSize: Int = 100, trace: (@Sendable (String) -> Void)? = nil, userAgent: String = "dbtsh"
    ) {
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.downloadTimeout = downloadTimeout
        self.minimumDownloadBytes = max(0, minimumDownloadBytes)
        self.maxResponseBytes = max(1, maxResponseBytes)
        self.maxListItems = max(1, maxListItems)
        self.noticeDelay = noticeDelay
        self.retry = retry
        self.pageConcurrency = max(1, pageConcurrency)
        self.pageSize = min(100, max(1, pageSize))
        self.trace = trace
        self.userAgent = userAgent
    }
}

extension ClientOptions {
    /// The same options with each request bounded by `budget` (`DBTSH_RETRY_BUDGET`): retries end
    /// there, one attempt takes at most that long, and silence at most half of it.
    public func bounded(by budget: Duration) -> ClientOptions {
        var options = self
        options.retry.budget = max(budget, .zero)
        options.requestTimeout = min(requestTimeout, budget)
        options.idleTimeout = min(idleTimeout, budget / 2)
        return options
    }
}

/// What the client is waiting for, as one-line notices (`waiting for cloud.getdbt.com (5 s)…`,
/// `retrying GET … in 2 s (503 Service Unavailable)…`). Bound per task, so that only the command
/// in the foreground speaks: requests of tasks without a handler stay quiet.
public enum ClientNotices {
    /// Who hears the notices of the current task. A class rather than an optional closure: a
    /// task-local of optional function type crashed optimized builds (Swift 6.3.1, a null type
    /// metadata pointer reaching swift_task_localValuePush).
    public final class Listener: Sendable {
        let hear: (@Sendable (String) -> Void)?

        public init(_ hear: (@Sendable (String) -> Void)?) { self.hear = hear }
    }

    @TaskLocal static var listener = Listener(nil)

    /// Runs `operation` with `handler` (nil: nobody) hearing the notices of the requests it makes.
    public static func listening<T>(
        _ handler: (@Sendable (String) -> Void)?, _ operation: () async throws -> T
    ) async rethrows -> T {
        let listener = Listener(handler)
        return try await $listener.withValue(listener, operation: operation)
    }

    static var isListening: Bool { listener.hear != nil }

    static func post(_ text: String) {
        listener.hear?(text)
    }
}
