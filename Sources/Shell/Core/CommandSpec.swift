/// What goes in an argument's place: drives parsing, defaults from the context and completion.
public enum ArgumentKind: Sendable, Equatable {
    case text
    case integer
    case duration
    case file
    case choice([String])
    case account, project, environment, job, run
    case step
    case artifactPath
    case node
    /// A relation of the run's catalog.json (models, seeds, snapshots, sources).
    case relation
    case contextLevel
    case settingKey
    case settingValue
    case runStatus
    case httpMethod
    case verb
    /// The name of an alias (`unalias`).
    case alias
}

/// An option as declared by `@Option` or `@Flag`.
public struct FlagSpec: Sendable, Equatable {
    public var name: String
    public var short: Character?
    /// nil for a boolean switch.
    public var value: ArgumentKind?
    public var valueName: String
    public var repeatable: Bool
    public var help: String

    public init(_ name: String, short: Character? = nil, value: ArgumentKind? = nil, valueName: String = "VALUE",
                repeatable: Bool = false, help: String) {
        self.name = name
        self.short = short
        self.value = value
        self.valueName = valueName
        self.repeatable = repeatable
        self.help = help
    }

    var usage: String {
        let shown = value == nil ? "--\(name)" : "--\(name) \(valueName)"
        return repeatable ? "[\(shown)…]" : "[\(shown)]"
    }

    /// `--help`, which every command takes.
    static let help = FlagSpec("help", short: "h", help: "show this help")
}

/// A positional argument as declared by `@Argument`.
public struct PositionalSpec: Sendable, Equatable {
    public var name: String
    public var kind: ArgumentKind
    public var optional: Bool
    public var variadic: Bool
    /// What `help` says of it; nil: a description of its kind.
    public var help: String?

    public init(_ name: String, _ kind: ArgumentKind, optional: Bool = false, variadic: Bool = false, help: String? = nil) {
        self.name = name
        self.kind = kind
        self.optional = optional
        self.variadic = variadic
        self.help = help
    }

    var usage: String {
        let shown = variadic ? "\(name)…" : name
        return optional ? "[\(shown)]" : shown
    }
}

/// The grammar and help of one command, derived from its declarations.
public struct CommandSpec: Sendable {
    public var name: String
    public var aliases: [String]
    public var summary: String
    public var discussion: String
    public var positionals: [PositionalSpec]
    /// The declared options, without `--help`.
    public var flags: [FlagSpec]
    /// True when the command changes dbt Cloud (refused under `--readonly`).
    public var mutates: Bool
    public var examples: [String]
    /// What `--fields` chooses from; `rawFields`: also any key of the API's objects.
    public var fields: [String]
    public var rawFields: Bool
    /// From the first argument on, every word is an argument (`watch runs --status running`).
    public var optionsEndAtFirstArgument: Bool
    /// Every word is an argument, `-x` and `--help` included (`echo`).
    public var argumentsOnly: Bool

    init(_ configuration: CommandConfiguration, declarations: [DeclaredElement]) {
        name = configuration.name
        aliases = configuration.aliases
        summary = configuration.summary
        discussion = configuration.discussion
        mutates = configuration.mutates
        examples = configuration.examples
        fields = configuration.fields
        rawFields = configuration.rawFields
        optionsEndAtFirstArgument = configuration.optionsEndAtFirstArgument
        argumentsOnly = configuration.argumentsOnly
        positionals = declarations.compactMap { if case .positional(let spec) = $0 { spec } else { nil } }
        flags = declarations.compactMap { if case .flag(let spec) = $0 { spec } else { nil } }
    }

    /// Every option the command accepts: its own and `--help`.
    public var allFlags: [FlagSpec] { flags + [FlagSpec.help] }

    public var usage: String {
        let parts = optionsEndAtFirstArgument ? flags.map(\.usage) + positionals.map(\.usage) : positionals.map(\.usage) + flags.map(\.usage)
        return ([name] + parts).joined(separator: " ")
    }
}
