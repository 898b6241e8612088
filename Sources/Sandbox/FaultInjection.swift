import Synchronization
/// A failure the sandbox can inject instead of (or before) its normal answer.
public enum FaultKind: Sendable, Equatable {
    /// 429 in the JSON envelope with a `Retry-After` header.
    case tooManyRequests(retryAfterSeconds: Int)
    /// The given 5xx status with the JSON envelope.
    case serverError(status: Int)
    /// 502 with an HTML body, as a proxy in front of dbt Cloud sends.
    case htmlBadGateway
    /// The request is read and logged, then the connection is closed without a response.
    case connectionReset
    /// The normal answer, after a delay.
    case slow(seconds: Double)
    /// 200 with the normal body cut in half.
    case truncatedJSON
    /// This answer (JSON) instead of the normal one: what a hostile server would send.
    case respond(status: Int, json: String)
}

/// Applies `kind` to every `every`-th request that matches `method` and `pathContains`, at most `times` times.
public struct FaultRule: Sendable {
    public let kind: FaultKind
    public let every: Int
    public let times: Int?
    public let method: String?
    public let pathContains: String?

    public init(_ kind: FaultKind, every: Int = 1, times: Int? = nil, method: String? = nil, pathContains: String? = nil) {
        self.kind = kind
        self.every = max(1, every)
        self.times = times
        self.method = method
        self.pathContains = pathContains
    }

    func matches(method: String, path: String) -> Bool {
        if let wanted = self.method, wanted.uppercased() != method.uppercased() { return false }
        if let fragment = pathContains, !path.contains(fragment) { return false }
        return true
    }
}

/// The fault rules of a running sandbox; rules can be added and cleared while it serves.
public final class FaultInjector: Sendable {
    private struct ActiveRule {
        let rule: FaultRule
        var matched = 0
        var fired = 0
    }

    private let rules = Mutex<[ActiveRule]>([])

    init() {}

    public func add(_ rule: FaultRule) {
        rules.withLock { $0.append(ActiveRule(rule: rule)) }
    }

    public func clear() {
        rules.withLock { $0.removeAll() }
    }

    /// The fault to apply to this request, if any; the first rule that fires wins.
    func fault(method: String, path: String) -> FaultKind? {
        rules.withLock { active in
            var chosen: FaultKind?
            for index in active.indices where active[index].rule.matches(method: method, path: path) {
                let rule = active[index].rule
                if let times = rule.times, active[index].fired >= times { continue }
                active[index].matched += 1
                if chosen == nil, active[index].matched % rule.every == 0 {
                    active[index].fired += 1
                    chosen = rule.kind
                }
            }
            return chosen
        }
    }
}
