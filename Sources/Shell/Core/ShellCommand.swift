/// One command of the shell: its grammar and help (`spec`) and what it does (`run`).
public protocol ShellCommand: Sendable {
    var spec: CommandSpec { get }
    /// Returns the exit status; throws `CommandFailure` (or an API error) on failure.
    func run(_ invocation: Invocation, in session: Session) async throws -> Int32
}
