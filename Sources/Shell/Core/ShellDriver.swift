import DbtCloud
import Synchronization

/// The loop's policy, shared by the interactive shell, piped scripts, `-c` and the start-up
/// file: joins continuation lines, runs complete input, and decides when to stop and with what
/// status. A driver with a `source` (a script's path) puts `FILE:LINE:` before its error lines.
public final class ShellDriver: Sendable {
    public enum Decision: Sendable, Equatable {
        case readMore(prompt: String)
        case proceed
        case stop(Int32)
    }

    public let interpreter: Interpreter
    /// The script's name in error lines; nil for a terminal or a pipe.
    public let source: String?

    private struct State {
        /// Continuation lines read so far, their trailing backslashes dropped.
        var pending = ""
        var pendingEndsInWord = false
        var lastStatus: Int32 = 0
        /// Lines accepted so far, and the line the pending command started on.
        var linesRead = 0
        var commandLine = 0
    }

    private let state = Mutex(State())

    public init(interpreter: Interpreter, source: String? = nil) {
        self.interpreter = interpreter
        self.source = source
    }

    public var session: Session { interpreter.session }
    public var prompt: String { session.prompt }
    public var continuationPrompt: String { "> " }
    /// The history the next line goes to: a mode's own (the catalog browser), else the shell's (nil).
    public var historyName: String? { session.subShell?.historyName }

    /// Accepts one line as read. Returns whether to read on, and with which prompt.
    public func accept(_ line: String) -> Decision {
        state.withLock { state in
            state.linesRead += 1
            if state.pending.isEmpty, !state.pendingEndsInWord { state.commandLine = state.linesRead }
            let (continues, endsInWord) = Lexer().continuation(of: line, afterWord: state.pendingEndsInWord)
            guard continues else { return .proceed }
            state.pending += line.unicodeScalars.dropLast().reduce(into: "") { $0.unicodeScalars.append($1) }
            state.pendingEndsInWord = endsInWord
            return .readMore(prompt: continuationPrompt)
        }
    }

    /// Runs the input accepted so far plus `line`.
    public func run(_ line: String) async -> Decision {
        let (input, lineNumber) = state.withLock { state in
            let joined = state.pending + line
            state.pending = ""
            state.pendingEndsInWord = false
            return (joined, state.commandLine)
        }
        guard !input.allSatisfy(\.isWhitespace) else { return .proceed }
        session.interruptionNote = nil
        let interpreter = self.interpreter
        let location = source.map { "\($0):\(lineNumber)" }
        let notices = ForegroundNotices.printer(for: session.console)
        let status = await ScriptLocation.$current.withValue(location) {
            await ClientNotices.listening(notices) { await interpreter.execute(input) }
        }
        state.withLock { $0.lastStatus = status }
        if let requested = session.exitRequest { return .stop(requested) }
        if status != 0, !session.interactive, session.settings.errexit { return .stop(status) }
        return .proceed
    }

    /// What to say when Ctrl-C stopped a command: that it did, and what it left going.
    public func interruptionMessage() -> String {
        guard let note = session.interruptionNote else { return "interrupted" }
        session.interruptionNote = nil
        return "interrupted: " + note
    }

    /// Ctrl-C: an interactive shell drops the line and carries on; a script stops.
    public func interrupted() -> Decision {
        state.withLock {
            $0.pending = ""
            $0.pendingEndsInWord = false
            $0.lastStatus = ExitCode.interrupted
        }
        session.lastStatus = ExitCode.interrupted
        if session.interactive { return .proceed }
        return .stop(ExitCode.interrupted)
    }

    /// End of input: an interactive shell leaves with 0, a script with its last status.
    public func endOfInput() -> Int32 {
        let (pending, lastStatus) = state.withLock { ($0.pending, $0.lastStatus) }
        if !pending.isEmpty {
            let location = source.map { "\($0): " } ?? ""
            session.console.errorLine("\(location)error: input ended after a line continuation (trailing backslash)")
            return ExitCode.usage
        }
        return session.interactive ? 0 : lastStatus
    }
}

/// What the API client is waiting for (`waiting for cloud.getdbt.com (5 s)…`, `retrying GET …`),
/// printed on stderr while a command runs, when stderr is a terminal. A progress line drawn in
/// place is left above the notice; the same notice from several pages in flight is printed once.
final class ForegroundNotices: Sendable {
    private let console: Console
    private let last = Mutex<String?>(nil)

    private init(console: Console) {
        self.console = console
    }

    static func printer(for console: Console) -> (@Sendable (String) -> Void)? {
        guard console.stderrIsTerminal else { return nil }
        let notices = ForegroundNotices(console: console)
        return { notices.post($0) }
    }

    private func post(_ text: String) {
        let isNew = last.withLock { last in
            defer { last = text }
            return last != text
        }
        guard isNew else { return }
        console.endStatus()
        console.errorLine(text)
    }
}
