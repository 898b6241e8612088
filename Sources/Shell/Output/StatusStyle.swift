import DbtArtifacts
import DbtCloud
import TerminalText

/// The colours of statuses in tables and reports (shown only where colour is on): error
/// red, success green, in progress yellow, cancelled dim.
enum StatusStyle {
    static func of(_ status: RunStatus?) -> TextStyle? {
        switch status {
        case .error: .failure
        case .success: .success
        case .queued, .starting, .running: .warning
        case .cancelled: .muted
        case .unknown, nil: nil
        }
    }

    static func of(_ status: NodeStatus) -> TextStyle? {
        if status.isFailure { return .failure }
        if status == .warn { return .warning }
        if status == .skipped { return .muted }
        if status.isGood { return .success }
        return nil
    }

    /// A run status by its name (`error`, `success`…), as tables show it.
    static func of(name: String) -> TextStyle? {
        RunStatus(name: name).flatMap { of($0) }
    }
}
