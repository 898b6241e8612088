import Foundation
import Synchronization
import TerminalText

/// Everything a command sees: the context, the settings, the console, the API client and
/// the caches. Shared between the main thread (prompt, completion) and command tasks.
public final class Session: Sendable {
    public let console: Console
    public let interactive: Bool
    public let historyFile: URL?
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
        var services: Services
        var exitRequest: Int32?
        var subShell: (any SubShell)?
        var language = LanguageState()
        var interruptionNote: String?
    }

    public init(console: Console, interactive: Bool, settings: Settings = Settings(),
                context: ShellContext = ShellContext(), historyFile: URL? = nil, services: Services = Services(),
                registry: CommandRegistry = .standard) {
        self.console = console
        console.colour = settings.color
        self.registry = registry
        self.completionSource = LiveCompletionSource()
        self.interactive = interactive
        self.historyFile = historyFile
        self.state = Mutex(State(context: context, settings: settings, services: services))
    }

    /// What the session talks to; replaced by `login`.
    public var services: Services {
        get { state.withLock { $0.services } }
        set { state.withLock { $0.services = newValue } }
    }

    /// `$?`, variables, aliases and the script's arguments (README "The shell language").
    var language: LanguageState {
        get { state.withLock { $0.language } }
        set { state.withLock { $0.language = newValue } }
    }

    func updateLanguage<T>(_ change: (inout LanguageState) throws -> T) rethrows -> T {
        try state.withLock { try change(&$0.language) }
    }

    /// `$?`: the status of the last command.
    public var lastStatus: Int32 {
        get { state.withLock { $0.language.lastStatus } }
        set { state.withLock { $0.language.lastStatus = newValue } }
    }

    /// `$0` and `$1`… for a script run as `dbtsh FILE ARG…` (or `dbtsh -c TEXT ARG…`).
    public func setScript(name: String, arguments: [String]) {
        state.withLock { $0.language.script = Frame(name: name, arguments: arguments) }
    }

    /// The environment `${env:NAME}` and `~` read (the process's by default).
    public var environment: [String: String] {
        get { state.withLock { $0.language.environment } }
        set { state.withLock { $0.language.environment = newValue } }
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

    /// The prompt, sized to the terminal, with any control character of a name from the
    /// network made visible.
    public var prompt: String {
        if let subShell { return VisibleControls.escaping(subShell.prompt, .singleLine) }
        let accounts = (listings.anyItems(for: .accounts) ?? []).compactMap { item in
            Int(item.id).map { ShellContext.Entry(id: $0, name: item.label.isEmpty ? nil : item.label) }
        }
        return VisibleControls.escaping(context.prompt(width: console.width, accounts: accounts), .singleLine)
    }

    /// What a command leaves going when Ctrl-C stops it (`run --wait`: the run goes on), said
    /// by the loop that stopped it. Set while the command runs; cleared when it ends by itself.
    public var interruptionNote: String? {
        get { state.withLock { $0.interruptionNote } }
        set { state.withLock { $0.interruptionNote = newValue } }
    }

    /// A mode such as `catalog browse` that takes the following lines until it leaves.
    public var subShell: (any SubShell)? { state.withLock { $0.subShell } }
    public func enter(_ subShell: any SubShell) { state.withLock { $0.subShell = subShell } }
    public func leaveSubShell() { state.withLock { $0.subShell = nil } }

    /// Whether a command may ask a question on the terminal.
    public var canPrompt: Bool { interactive }
}
