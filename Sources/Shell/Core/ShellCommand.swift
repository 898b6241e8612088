import Synchronization

/// One command of the shell: its configuration, its options declared as stored properties
/// (`@Argument`, `@Option`, `@Flag`, `@OptionGroup`) and what it does (`run`). The
/// declarations are the grammar, the help, the usage line and the completion.
protocol ShellCommand: Sendable {
    static var configuration: CommandConfiguration { get }
    /// Every property is a declaration with its default: the registry builds the command with
    /// `init()` and binds the parsed words into it.
    init()
    /// Returns the exit status; throws `CommandFailure` (or an API error) on failure.
    func run(in session: Session) async throws -> Int32
    /// The kind to complete after `arguments` (the positional words already typed) where the
    /// declared kind depends on them: `use job <TAB>` wants a job. Default: the declared kind.
    static func completionKind(_ declared: ArgumentKind, after arguments: [String]) -> ArgumentKind
}

/// A command's name, help and whether it changes dbt Cloud. `name` may be two words (`job export`).
struct CommandConfiguration: Sendable {
    var name: String
    var aliases: [String]
    var summary: String
    var discussion: String
    /// True when the command changes dbt Cloud (refused under `--readonly` before it runs).
    var mutates: Bool
    var examples: [String]
    /// What `--fields` chooses from (the keys of the command's rows), listed in its help.
    var fields: [String]
    /// True when the command's JSON is the API's objects: `--fields` also takes any of their keys.
    var rawFields: Bool
    /// True for a command that takes a command line (`watch runs --status running`, `alias`):
    /// its own options come first, and from its first argument on every word is an argument.
    var optionsEndAtFirstArgument: Bool
    /// True for a command whose every word is an argument, `-x` and `--help` included (`echo`).
    var argumentsOnly: Bool

    init(_ name: String, aliases: [String] = [], summary: String, discussion: String = "", mutates: Bool = false,
         examples: [String] = [], fields: [String] = [], rawFields: Bool = false,
         optionsEndAtFirstArgument: Bool = false, argumentsOnly: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.discussion = discussion
        self.mutates = mutates
        self.examples = examples
        self.fields = fields
        self.rawFields = rawFields
        self.optionsEndAtFirstArgument = optionsEndAtFirstArgument
        self.argumentsOnly = argumentsOnly
    }
}

extension ShellCommand {
    static func completionKind(_ declared: ArgumentKind, after arguments: [String]) -> ArgumentKind { declared }

    /// The grammar derived from the declarations, once per type.
    static var spec: CommandSpec { DerivedSpecs.spec(of: Self.self) }

    /// The command with `words` (what follows the verb) bound to its declarations. Throws a
    /// usage `CommandFailure` for words it does not accept. `--help` is not handled here.
    static func parse(_ words: [String]) throws -> Self {
        try bind(ParsedWords.parse(words, spec: spec))
    }

    static func bind(_ parsed: ParsedWords) throws -> Self {
        let command = Self()
        var binder = Binder(parsed: parsed, command: configuration.name)
        for declaration in Declarations.of(command) {
            try declaration.bind(&binder)
        }
        return command
    }
}

enum DerivedSpecs {
    private static let cache = Mutex<[ObjectIdentifier: CommandSpec]>([:])

    static func spec<Command: ShellCommand>(of type: Command.Type) -> CommandSpec {
        let key = ObjectIdentifier(type)
        if let known = cache.withLock({ $0[key] }) { return known }
        let spec = CommandSpec(Command.configuration, declarations: Declarations.of(Command()).map(\.element))
        cache.withLock { $0[key] = spec }
        return spec
    }
}
