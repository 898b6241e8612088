import DbtArtifacts
import DbtCloud

/// The process exit codes of SHELL.md §5. 1 means a dbt Cloud run ended in error and nothing else.
public enum ExitCode {
    public static let success: Int32 = 0
    /// A dbt Cloud run ended in error (`run --wait`, `wait`, `retry --wait`).
    public static let runFailed: Int32 = 1
    /// Unknown command, bad arguments, nothing in context, a change refused under `--readonly`,
    /// a local file that cannot be read or written, bad configuration.
    public static let usage: Int32 = 2
    /// dbt Cloud refused the request (4xx other than 401, 403 and 429; GraphQL errors).
    public static let apiRefused: Int32 = 3
    /// Authentication or permission (401, 403).
    public static let auth: Int32 = 4
    /// Network, server, throttling or timeout after retries; an unreadable response.
    public static let network: Int32 = 5
    public static let waitTimedOut: Int32 = 6
    public static let runCancelled: Int32 = 7
    /// A change over several items (`cancel --all`, `job delete --all`, `job apply`) was done for
    /// some and failed for others; its report says which.
    public static let partialFailure: Int32 = 8
    /// A failure dbtsh did not expect: a bug to report (EX_SOFTWARE).
    public static let internalError: Int32 = 70
    public static let interrupted: Int32 = 130

    /// What each code means to a script, as `help` and `dbtsh --help` say it.
    public static let meanings: [(code: Int32, meaning: String)] = [
        (success, "success"), (runFailed, "a dbt Cloud run ended in error"), (usage, "usage or read-only refusal"),
        (apiRefused, "dbt Cloud refused the request"), (auth, "authentication or permission"),
        (network, "network or server failure"), (waitTimedOut, "wait --timeout elapsed"), (runCancelled, "a run was cancelled"),
        (partialFailure, "some items of a bulk change failed"),
        (internalError, "internal error (a bug: please report it)"), (interrupted, "interrupted"),
    ]

    /// `meanings` as lines of at most `width` columns.
    public static func summary(width: Int = 92) -> String {
        var lines = ["exit codes:"]
        for (code, meaning) in meanings {
            let item = " \(code) \(meaning)" + (code == meanings.last?.code ? "" : ",")
            if let last = lines.last, last.count + item.count <= width {
                lines[lines.count - 1] += item
            } else {
                lines.append(" " + item)
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Turns any error into the one line and exit code a user sees: the only place where the
/// errors of other modules get an exit code.
public enum ErrorReport {
    public static func failure(for error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure:
            return failure
        case is CancellationError:
            return CommandFailure("interrupted", exitCode: ExitCode.interrupted)
        case let api as DbtCloudError:
            return CommandFailure(missingObject(api) ?? api.description, exitCode: exitCode(for: api.kind))
        case let artifact as ArtifactError:
            // Local files are reported as usage errors where they are read: this one came from dbt Cloud.
            return CommandFailure("dbt Cloud sent an unreadable artifact: \(artifact.description)", exitCode: ExitCode.network)
        default:
            let text = String(describing: error).split(separator: "\n").first.map(String.init) ?? "unknown error"
            return CommandFailure("internal error (please report it): \(text)", exitCode: ExitCode.internalError)
        }
    }

    /// A 404 of `GET /api/v2/accounts/A/jobs/ID/` (or `runs/ID/`) in words: no such id for this
    /// token, rather than dbt Cloud's vague "check that you have the proper permissions".
    static func missingObject(_ error: DbtCloudError) -> String? {
        guard error.kind == .notFound, error.method == "GET", let path = error.path?.split(separator: "?").first else { return nil }
        let parts = path.split(separator: "/")
        guard parts.count == 6, parts[0] == "api", parts[1] == "v2", parts[2] == "accounts", let id = Int(parts[5]) else { return nil }
        let kinds: [Substring: String] = ["jobs": "job", "runs": "run"]
        guard let kind = kinds[parts[4]] else { return nil }
        return "GET \(path): 404 no \(kind) with id \(id) that this token can see (see '\(parts[4])')"
    }

    public static func exitCode(for kind: DbtCloudError.Kind) -> Int32 {
        switch kind {
        case .authentication, .permission: ExitCode.auth
        case .notFound, .rejected, .graphQL: ExitCode.apiRefused
        case .throttled, .server, .network, .timeout, .invalidResponse: ExitCode.network
        case .configuration, .invalidArgument: ExitCode.usage
        }
    }
}
