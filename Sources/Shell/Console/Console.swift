import Foundation
import Synchronization
import TerminalText

/// Where a session writes and reads: data to standard output, progress and errors to
/// standard error (SHELL.md §5), questions and `-` files from standard input.
///
/// All text is untrusted: whatever a command writes is made visible (``ConsoleText``) before
/// it reaches the device, so nothing from the network can drive the terminal. dbtsh's own
/// styling is said with ``TextStyle`` and rendered by the device only where colour is wanted
/// (`set color`) and the destination is a terminal. One command's standard output can be
/// routed elsewhere with ``redirectingOutput(to:_:)``.
public final class Console: Sendable {
    public let device: any ConsoleDevice
    public let processes: any ProcessLauncher
    private let state: Mutex<State>

    private struct State {
        var colour: Bool
        var sinks: [(id: Int, sink: any OutputSink)] = []
        var nextSinkID = 0
        var statusShown = false
    }

    /// Standard input larger than this is refused (a query, a job definition).
    public static let maximumInput = 16 * 1_024 * 1_024

    public init(_ device: any ConsoleDevice, processes: any ProcessLauncher = NoProcessLauncher(), colour: Bool = false) {
        self.device = device
        self.processes = processes
        self.state = Mutex(State(colour: colour))
    }

    /// Whether styles are rendered where the destination is a terminal (`set color`).
    public var colour: Bool {
        get { state.withLock { $0.colour } }
        set { state.withLock { $0.colour = newValue } }
    }

    // MARK: Standard output

    public func out(_ text: ConsoleText) {
        let (sink, colour) = state.withLock { ($0.sinks.last?.sink, $0.colour) }
        if let sink {
            sink.write(colour && sink.isTerminal ? text : text.unstyled)
        } else {
            device.write(colour && device.isTerminal(.out) ? text : text.unstyled, to: .out)
        }
    }

    public func out(_ text: String) { out(ConsoleText(text)) }
    public func line(_ text: String = "") { out(ConsoleText(text + "\n")) }
    public func line(_ text: ConsoleText) { out(text + "\n") }

    /// A file's bytes (`artifacts get -o -`): unchanged into a pipe or a file; on a terminal,
    /// as text with its control characters made visible.
    public func outBytes(_ data: Data) {
        let sink = state.withLock { $0.sinks.last?.sink }
        let toTerminal = sink?.isTerminal ?? device.isTerminal(.out)
        if toTerminal {
            out(String(decoding: data, as: UTF8.self))
        } else if let sink {
            sink.writeBytes(data)
        } else {
            device.writeBytes(data)
        }
    }

    // MARK: Standard error

    public func err(_ text: ConsoleText) {
        let colour = state.withLock { $0.colour }
        device.write(colour && device.isTerminal(.err) ? text : text.unstyled, to: .err)
    }

    public func err(_ text: String) { err(ConsoleText(text)) }
    public func errorLine(_ text: String) { err(ConsoleText(text + "\n")) }
    public func errorLine(_ text: ConsoleText) { err(text + "\n") }

    /// A progress line on a terminal's standard error, redrawn in place by each call; does
    /// nothing when standard error is not a terminal (print lines there instead).
    public func showStatus(_ text: String) {
        guard device.isTerminal(.err) else { return }
        state.withLock { $0.statusShown = true }
        device.replaceLine(ConsoleText(VisibleControls.escaping(text, .singleLine)), on: .err)
    }

    /// Leaves the progress line on screen and moves below it.
    public func endStatus() {
        let shown = state.withLock { state in
            defer { state.statusShown = false }
            return state.statusShown
        }
        if shown { device.write(ConsoleText("\n"), to: .err) }
    }

    /// Clears a terminal's screen (nothing when standard output is not the terminal).
    public func clearScreen() {
        let redirected = state.withLock { !$0.sinks.isEmpty }
        guard !redirected, device.isTerminal(.out) else { return }
        device.clearScreen()
    }

    // MARK: What the output goes to

    /// Whether standard output (or the command's redirection) is a terminal.
    public var stdoutIsTerminal: Bool {
        state.withLock { $0.sinks.last?.sink }?.isTerminal ?? device.isTerminal(.out)
    }

    public var stderrIsTerminal: Bool { device.isTerminal(.err) }

    /// Columns to fit tables in, or nil when standard output is not a terminal (no truncation).
    public var width: Int? { stdoutIsTerminal ? device.size.columns : nil }

    /// The terminal's height in rows.
    public var height: Int { device.size.rows }

    /// Runs `body` with standard output going to `sink` (`CMD > FILE`, `CMD | sh-command`, the
    /// pager); standard error still goes to the console. Redirections nest.
    public func redirectingOutput<T>(to sink: any OutputSink, _ body: () async throws -> T) async rethrows -> T {
        let id = state.withLock { state in
            state.nextSinkID += 1
            state.sinks.append((state.nextSinkID, sink))
            return state.nextSinkID
        }
        defer { state.withLock { $0.sinks.removeAll { $0.id == id } } }
        return try await body()
    }

    // MARK: Standard input

    public var standardInput: StandardInputUse { device.standardInput }

    /// Asks a yes/no question on standard error and reads the answer: true for `y` or `yes`.
    public func confirm(_ question: String) -> Bool {
        err(question)
        guard let answer = device.readLine(cancelled: { Task.isCancelled }) else {
            err("\n")
            return false
        }
        return ["y", "yes"].contains(answer.trimmingWhitespace.lowercased())
    }

    /// A secret for `command` (`login`'s token): asked on the terminal without echo, or one line
    /// of standard input when it is free. Refused when standard input is the script being run.
    public func readSecret(_ prompt: String, for command: String) throws -> String {
        if device.standardInput == .script {
            throw CommandFailure.usage("\(command): standard input is the script being run; run dbtsh -c '\(command)' with the token on its standard input")
        }
        let line = device.readSecretLine(prompt: ConsoleText(prompt), cancelled: { Task.isCancelled })
        if Task.isCancelled { throw CancellationError() }
        guard let line else { throw CommandFailure.usage("\(command): standard input ended before a token") }
        return line
    }

    /// All of standard input for `command` (`query -`, `job create --file -`). Refused when
    /// standard input is the script being run: reading it would swallow the commands after.
    public func readStandardInput(for command: String) throws -> Data {
        switch device.standardInput {
        case .script:
            throw CommandFailure.usage("\(command): standard input is the script being run; put the text in a file and give its path")
        case .terminal:
            err("\(command): reading standard input; end it with Ctrl-D\n")
        case .free:
            break
        }
        let data = device.readAll(maximum: Self.maximumInput + 1, cancelled: { Task.isCancelled })
        if Task.isCancelled { throw CancellationError() }
        guard data.count <= Self.maximumInput else {
            throw CommandFailure.usage("\(command): standard input is larger than \(Self.maximumInput / 1_048_576) MiB")
        }
        return data
    }
}
