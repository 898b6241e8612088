import DbtCloud

/// Turns any error into the one line and exit code a user sees.
public enum ErrorReport {
    public static func failure(for error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure:
            return failure
        case let api as DbtCloudError where api.status == 429:
            // Still throttled after every retry: a transient failure, not a refusal.
            return CommandFailure(api.oneLineMessage, exitCode: ExitCode.network)
        case is CancellationError:
            return CommandFailure("interrupted", exitCode: ExitCode.interrupted)
        case let known as any ExitCoded:
            return CommandFailure(known.oneLineMessage, exitCode: known.exitCode)
        default:
            let text = String(describing: error).split(separator: "\n").first.map(String.init) ?? "unknown error"
            return CommandFailure(text, exitCode: ExitCode.runFailed)
        }
    }
}

/// Errors of other modules that know their exit code and one-line message.
public protocol ExitCoded: Error {
    var exitCode: Int32 { get }
    var oneLineMessage: String { get }
}
