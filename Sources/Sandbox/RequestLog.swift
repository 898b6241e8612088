import Foundation

/// One request as the sandbox received it.
public struct LoggedRequest: Sendable {
    public let method: String
    public let path: String
    public let query: String?
    public let body: Data?
    public let authorization: String?
}

/// Every request the sandbox received, in arrival order.
public final class RequestLog: Sendable {
    private let requests = Locked<[LoggedRequest]>([])

    init() {}

    public func entries() -> [LoggedRequest] {
        requests.withLock { $0 }
    }

    public func clear() {
        requests.withLock { $0.removeAll() }
    }

    func append(_ request: LoggedRequest) {
        requests.withLock { $0.append(request) }
    }
}
