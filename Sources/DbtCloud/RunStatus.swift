/// A run's (or step's) status code: 1 queued, 2 starting, 3 running, 10 success, 20 error, 30 cancelled.
public enum RunStatus: Sendable, Hashable, CustomStringConvertible {
    case queued, starting, running, success, error, cancelled
    case unknown(Int)

    public init(code: Int) {
        switch code {
        case 1: self = .queued
        case 2: self = .starting
        case 3: self = .running
        case 10: self = .success
        case 20: self = .error
        case 30: self = .cancelled
        default: self = .unknown(code)
        }
    }

    /// Parses the names users type (`queued`, `success`, `error`, `cancelled`…), case-insensitively.
    public init?(name: String) {
        switch name.lowercased() {
        case "queued": self = .queued
        case "starting": self = .starting
        case "running": self = .running
        case "success", "succeeded": self = .success
        case "error", "failed", "errored": self = .error
        case "cancelled", "canceled": self = .cancelled
        default: return nil
        }
    }

    public static let allKnown: [RunStatus] = [.queued, .starting, .running, .success, .error, .cancelled]

    public var code: Int {
        switch self {
        case .queued: 1
        case .starting: 2
        case .running: 3
        case .success: 10
        case .error: 20
        case .cancelled: 30
        case .unknown(let code): code
        }
    }

    public var name: String {
        switch self {
        case .queued: "queued"
        case .starting: "starting"
        case .running: "running"
        case .success: "success"
        case .error: "error"
        case .cancelled: "cancelled"
        case .unknown(let code): "status \(code)"
        }
    }

    public var description: String { name }

    /// Success, error and cancelled end a run; nothing changes after them.
    public var isTerminal: Bool {
        switch self {
        case .success, .error, .cancelled: true
        default: false
        }
    }

    /// Queued, starting and running: a run still under way (`jobs --status running` asks for these).
    public var isInProgress: Bool {
        switch self {
        case .queued, .starting, .running: true
        default: false
        }
    }
}
