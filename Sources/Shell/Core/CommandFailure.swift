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

public enum ExitCode {
    public static let success: Int32 = 0
    public static let runFailed: Int32 = 1
    public static let usage: Int32 = 2
    public static let apiRefused: Int32 = 3
    public static let auth: Int32 = 4
    public static let network: Int32 = 5
    public static let waitTimedOut: Int32 = 6
    public static let runCancelled: Int32 = 7
    public static let interrupted: Int32 = 130
}
