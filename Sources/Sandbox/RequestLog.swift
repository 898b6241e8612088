import Foundation
import Synchronization

/// One request as the sandbox received it.
public struct LoggedRequest: Sendable {
    public let method: String
    public let path: String
    public let query: String?
    public let body: Data?
    public let authorization: String?
    /// Tests give each session's client a user agent of its own, so a test reads its own requests
    /// from a sandbox that a whole suite shares.
    public let userAgent: String?
}

/// Every request the sandbox received, in arrival order.
public final class RequestLog: Sendable {
    private let requests = Mutex<[LoggedRequest]>([])

    init() {}

    public func entries() -> [LoggedRequest] {
        requests.withLock { $0 }
    }

    /// The requests sent with this `User-Agent`.
    public func entries(userAgent: String) -> [LoggedRequest] {
        requests.withLock { $0.filter { $0.userAgent == userAgent } }
    }

    func append(_ request: LoggedRequest) {
        requests.withLock { $0.append(request) }
    }
}
