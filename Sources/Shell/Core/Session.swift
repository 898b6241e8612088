import Foundation
import Synchronization
import TerminalText

/// Everything a command sees: the context, the settings, the console, the API client and
/// the caches. Shared between the main thread (prompt, completion) and command tasks.
public final class Session: Sendable {
    public let console: Console
    public let interactive: Bool
    public let historyFile: URL?
    public let services: Services
    /// The commands this session runs, completes and documents.
    public let registry: CommandRegistry
    public let completionSource: any CompletionSource
    public let listings = ListingCache()
    public let notices = NoticeBoard()
    public let finishedRuns = FinishedRuns()
    /// Tasks beside the commands (runs followed in the background), cancelled when the session ends.
    public let background = BackgroundWork()
    private let state: Mutex<State>

    struct State {
        var context = ShellContext()
        var settings = Settings()
        var exitRequest: Int32?
        var subShell: (any SubShell)?
    }

    public init(console: Console, interactive: Bool, settings: Settings = Settings(),
                context: ShellContext = ShellContext(), historyFile: URL? = nil, services: Services = Services(),
                registry: CommandRegistry = .standard) {
        self.console = console
        console.colour = settings.color
        self.services = services
        self.registry = registry
        self.completionSource = LiveCompletionSource()
        self.interactive = interactive
        self.historyFile = historyFile
        self.state = Mutex(State(context: context, settings: settings))
    }

    public var context: ShellContext {
        get { state.withLock { $0.context } }
        set { state.withLock { $0.context = newValue } }
    }

    public var settings: Settings {
        get { state.withLock { $0.settings } }
        set {
            state.withLock { $0.settings = newValue }
            console.colour = newValue.color
        }
    }

    public func updateContext(_ change: (inout ShellContext) -> Void) {
        state.withLock { change(&$0.context) }
    }

    public func updateSettings(_ change: (inout Settings) throws -> Void) throws {
        let colour = try state.withLock { state in
            try change(&state.settings)
            return state.settings.color
        }
        console.colour = colour
    }

    /// Set by `exit`; the driver stops reading when it is set.
    public var exitRequest: Int32? {
        get { state.withLock { $0.exitRequest } }
        set { state.withLock { $0.exitRequest = newValue } }
    }

    /// The prompt, with any control character of a name from the network made visible.
    public var prompt: String { VisibleControls.escaping(subShell?.prompt ?? context.prompt, .singleLine) }

    /// A mode such as `catalog browse` that takes the following lines until it leaves.
    public var subShell: (any SubShell)? { state.withLock { $0.subShell } }
    public func enter(_ subShell: any SubShell) { state.withLock { $0.subShell = subShell } }
    public func leaveSubShell() { state.withLock { $0.subShell = nil } }

    /// Whether a command may ask a question on the terminal.
    public var canPrompt: Bool { interactive }
}
