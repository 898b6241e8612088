import Foundation
import TerminalText

public enum ConsoleStream: Sendable {
    case out, err
}

public struct TerminalSize: Sendable, Equatable {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
}

/// What standard input is to the shell: a command may read it only when it is not the script.
public enum StandardInputUse: Sendable, Equatable {
    /// The user's terminal: the line editor reads commands from it between commands.
    case terminal
    /// The commands themselves come from it (`… | dbtsh`): reading it would eat the script.
    case script
    /// Not used by the shell (`-c`, a script file): free for `query -` and friends.
    case free
}

/// The process side of a console: the terminal or pipes on standard output, error and input.
/// Implemented over file descriptors by the `TerminalIO` module and in memory by
/// ``CapturingConsole``. Everything it is given is already safe to show (``ConsoleText``).
public protocol ConsoleDevice: Sendable {
    /// Writes `text`, rendering the styles it carries (the ``Console`` strips them where colour is not wanted).
    func write(_ text: ConsoleText, to stream: ConsoleStream)
    /// Writes bytes to standard output unchanged (a downloaded file for `-o -`).
    func writeBytes(_ bytes: Data)
    func isTerminal(_ stream: ConsoleStream) -> Bool
    /// The terminal's size, or the device's best guess (`$COLUMNS`, 80×24) without one.
    var size: TerminalSize { get }
    /// On a terminal: replaces the current line of `stream` with `text` (a progress line).
    func replaceLine(_ text: ConsoleText, on stream: ConsoleStream)
    /// On a terminal: clears the screen and puts the cursor at the top.
    func clearScreen()

    var standardInput: StandardInputUse { get }
    /// One line of standard input without its newline; nil at its end or once `cancelled`.
    func readLine(cancelled: () -> Bool) -> String?
    /// A secret (a token): `prompt` on standard error, then one line of standard input read
    /// without echo where it is a terminal; nil at its end or once `cancelled`.
    func readSecretLine(prompt: ConsoleText, cancelled: () -> Bool) -> String?
    /// Standard input up to its end, stopping after `maximum` bytes or once `cancelled`.
    func readAll(maximum: Int, cancelled: () -> Bool) -> Data
}

/// Where one command's standard output goes instead of the console's (`CMD > FILE`,
/// `CMD | sh-command`, the pager): see ``Console/redirectingOutput(to:_:)``.
public protocol OutputSink: Sendable {
    /// Whether what is written here is shown on a terminal: tables then fit its width and
    /// styles are rendered.
    var isTerminal: Bool { get }
    func write(_ text: ConsoleText)
    func writeBytes(_ bytes: Data)
}

/// Starts other programs: the pager, and `CMD | sh-command`. Implemented by
/// the `TerminalIO` module.
public protocol ProcessLauncher: Sendable {
    /// `$PAGER`, default `less -FRX`; nil when the user asked for none (`PAGER=cat`).
    var pagerCommand: String? { get }
    /// Starts `/bin/sh -c command` with a pipe on its standard input; its standard output and
    /// error are the shell's. With `rendersStyles`, styles reach it as escape codes (a pager
    /// that shows colour); otherwise it gets plain text, as a pipe does.
    func startShellCommand(_ command: String, rendersStyles: Bool) throws -> any RunningProcess
}

/// A started program reading what is written to it as its standard input.
public protocol RunningProcess: OutputSink {
    /// Closes its standard input and waits for it to end: its exit status (128 + N when
    /// signal N ended it).
    func finish() async -> Int32
    /// Sends it SIGINT: for a Ctrl-C that reached us before the process could see it.
    func interrupt()
}

/// The launcher of a session that may not start programs (tests, benchmarks).
public struct NoProcessLauncher: ProcessLauncher {
    public init() {}
    public var pagerCommand: String? { nil }
    public func startShellCommand(_ command: String, rendersStyles: Bool) throws -> any RunningProcess {
        throw CommandFailure.usage("this session cannot start programs")
    }
}
