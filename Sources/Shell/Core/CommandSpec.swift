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
    case contextLevel
    case settingKey
    case settingValue
    case runStatus
    case httpMethod
    case verb
}

public struct FlagSpec: Sendable {
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
}

public struct PositionalSpec: Sendable {
    public var name: String
    public var kind: ArgumentKind
    public var optional: Bool
    public var variadic: Bool

    public init(_ name: String, _ kind: ArgumentKind, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.kind = kind
        self.optional = optional
        self.variadic = variadic
    }

    var usage: String {
        let shown = variadic ? "\(name)…" : name
        return optional ? "[\(shown)]" : shown
    }
}

/// The grammar and help of one command. `name` may be two words (`job export`).
public struct CommandSpec: Sendable {
    public var name: String
    public var aliases: [String]
    public var summary: String
    public var discussion: String
    public var positionals: [PositionalSpec]
    public var flags: [FlagSpec]
    /// True when the command changes dbt Cloud (refused under `--readonly`).
    public var mutates: Bool
    public var examples: [String]

    public init(_ name: String, aliases: [String] = [], summary: String, discussion: String = "",
                positionals: [PositionalSpec] = [], flags: [FlagSpec] = [], mutates: Bool = false,
                examples: [String] = []) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.discussion = discussion
        self.positionals = positionals
        self.flags = flags
        self.mutates = mutates
        self.examples = examples
    }

    public var allFlags: [FlagSpec] { flags + CommandSpec.commonFlags }

    static let commonFlags: [FlagSpec] = [
        FlagSpec("output", value: .choice(["table", "json"]), valueName: "table|json", help: "output format for this command"),
        FlagSpec("json", help: "same as --output json"),
        FlagSpec("help", short: "h", help: "show this help"),
    ]

    public var usage: String {
        ([name] + positionals.map(\.usage) + flags.map(\.usage)).joined(separator: " ")
    }
}
