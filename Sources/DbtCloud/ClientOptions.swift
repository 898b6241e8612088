import Foundation

/// Capped exponential backoff with full jitter. Attempt n (1-based) failed → wait
/// `min(maxDelay, baseDelay * 2^(n-1))`, scaled by a random factor in [0.5, 1] when `jitter` is on.
/// A `Retry-After` header wins over the backoff, capped at `maxRetryAfter`.
public struct RetryPolicy: Sendable, Equatable {
    /// Total tries, the first included. 1 = never retry.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var maxRetryAfter: Duration
    public var jitter: Bool

    public init(
        maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(60), jitter: Bool = true
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.jitter = jitter
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
public struct ClientOptions: Sendable {
    /// A PEM file with an extra trust root (`--ca-file`), added to the system roots.
    public var caFile: String?
    public var connectTimeout: Duration
    /// Deadline of one attempt of an API request (connect, send, whole response).
    public var requestTimeout: Duration
    /// Deadline of one attempt of an artifact download, which streams to disk.
    public var downloadTimeout: Duration
    public var retry: RetryPolicy
    /// Pages fetched at once once `total_count` is known.
    public var pageConcurrency: Int
    /// `limit` of list requests; never above 100 (the API refuses more).
    public var pageSize: Int
    /// One line per request and per response (`--verbose`); the token shows as `Token ****`.
    public var trace: (@Sendable (String) -> Void)?
    public var userAgent: String

    public init(
        caFile: String? = nil, connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(60),
        downloadTimeout: Duration = .seconds(600), retry: RetryPolicy = .standard, pageConcurrency: Int = 4,
        pageSize: Int = 100, trace: (@Sendable (String) -> Void)? = nil, userAgent: String = "dbtsh"
    ) {
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.downloadTimeout = downloadTimeout
        self.retry = retry
        self.pageConcurrency = max(1, pageConcurrency)
        self.pageSize = min(100, max(1, pageSize))
        self.trace = trace
        self.userAgent = userAgent
    }
}
