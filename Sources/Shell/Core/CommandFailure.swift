/// A command's failure: one line for stderr and the exit code of SHELL.md §5.
public struct CommandFailure: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }

    public static func usage(_ message: String) -> CommandFailure { CommandFailure(message, exitCode: ExitCode.usage) }
    public static func apiRefused(_ message: String) -> CommandFailure { CommandFailure(message, exitCode: ExitCode.apiRefused) }
}
