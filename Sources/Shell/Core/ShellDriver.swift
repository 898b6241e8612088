import DbtCloud
import Synchronization

/// The loop's policy, shared by the interactive shell, piped scripts and `-c`: joins
/// continuation lines, runs complete input, and decides when to stop and with what status.
public final class ShellDriver: Sendable {
    public enum Decision: Sendable, Equatable {
        case readMore(prompt: String)
        case proceed
        case stop(Int32)
    }

    public let interpreter: Interpreter
    private struct State {
        /// Continuation lines read so far, their trailing backslashes dropped.
        var pending = ""
        var pendingEndsInWord = false
        var lastStatus: Int32 = 0
    }

    private let state = Mutex(State())

    public init(interpreter: Interpreter) {
        self.interpreter = interpreter
    }

    public var session: Session { interpreter.session }
    public var prompt: String { session.prompt }
    public var continuationPrompt: String { "> " }

    /// Accepts one line as read. Returns whether to read on, and with which prompt.
    public func accept(_ line: String) -> Decision {
        state.withLock { state in
            let (continues, endsInWord) = Lexer().continuation(of: line, afterWord: state.pendingEndsInWord)
            guard continues else { return .proceed }
            state.pending += line.dropLast()
            state.pendingEndsInWord = endsInWord
            return .readMore(prompt: continuationPrompt)
        }
    }

    /// Runs the input accepted so far plus `line`.
    public func run(_ line: String) async -> Decision {
        let input = state.withLock { state in
            let joined = state.pending + line
            state.pending = ""
            state.pendingEndsInWord = false
            return joined
        }
        guard !input.allSatisfy(\.isWhitespace) else { return .proceed }
        let interpreter = self.interpreter
        let status = await ClientNotices.listening(ForegroundNotices.printer(for: session.console)) {
            await interpreter.execute(input)
        }
        state.withLock { $0.lastStatus = status }
        if let requested = session.exitRequest { return .stop(requested) }
        if status != 0, !session.interactive, session.settings.errexit { return .stop(status) }
        return .proceed
    }

    /// Ctrl-C: an interactive shell drops the line and carries on; a script stops.
    public func interrupted() -> Decision {
        state.withLock {
            $0.pending = ""
            $0.pendingEndsInWord = false
        }
        if session.interactive { return .proceed }
        return .stop(ExitCode.interrupted)
    }

    /// End of input: an interactive shell leaves with 0, a script with its last status.
    public func endOfInput() -> Int32 {
        let (pending, lastStatus) = state.withLock { ($0.pending, $0.lastStatus) }
        if !pending.isEmpty {
            session.console.errorLine("error: input ended after a line continuation (trailing backslash)")
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
