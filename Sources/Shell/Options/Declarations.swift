import Synchronization

// A command's options are its stored properties:
//
//     @Argument("NODE", .node) var node: String
//     @Option("run", .run, valueName: "RUN", help: "another run than the context's") var run: String?
//     @Flag("raw", help: "the node's source code instead") var raw: Bool
//     @OptionGroup var output: OutputOptions
//
// Each wrapper holds its declaration (what `help`, the usage line, the parser and completion
// read) and a box the parsed value is bound into after the registry has built the command
// with `init()` (see `ShellCommand.parse`).

/// `--name VALUE`. The property's type says how the value is read and whether it may repeat:
/// `String?`/`Int?`/`Duration?`/an enum `?` (absent: nil), a type with a default (`= 10`),
/// or an array (repeatable, absent: empty).
@propertyWrapper
struct Option<Value: Sendable>: Sendable {
    let spec: FlagSpec
    private let bound: BoundValue<Value>
    private let convert: @Sendable (_ texts: [String], _ command: String) throws -> Value

    var wrappedValue: Value { bound.value }

    fileprivate init(spec: FlagSpec, initial: Value,
                     convert: @escaping @Sendable (_ texts: [String], _ command: String) throws -> Value) {
        self.spec = spec
        self.bound = BoundValue(initial)
        self.convert = convert
    }

    /// `@Option("job", .job, valueName: "J", help: "…") var job: String?`
    init<T: ArgumentValue>(_ name: String, _ kind: ArgumentKind? = nil, short: Character? = nil, valueName: String? = nil,
                           help: String) where Value == T? {
        self.init(spec: FlagSpec(name, short: short, value: kind ?? T.defaultKind, valueName: valueName ?? T.defaultValueName, help: help),
                  initial: nil) { texts, command in
            try T.parse(texts.last ?? "", for: "--\(name)", command: command)
        }
    }

    /// `@Option("set", valueName: "KEY=VALUE", help: "… (repeatable)") var assignments: [String]`
    init<T: ArgumentValue>(_ name: String, _ kind: ArgumentKind? = nil, short: Character? = nil, valueName: String? = nil,
                           help: String) where Value == [T] {
        self.init(spec: FlagSpec(name, short: short, value: kind ?? T.defaultKind, valueName: valueName ?? T.defaultValueName,
                                 repeatable: true, help: help),
                  initial: []) { texts, command in
            try texts.map { try T.parse($0, for: "--\(name)", command: command) }
        }
    }
}

extension Option where Value: ArgumentValue {
    /// `@Option("top", valueName: "N", help: "…") var top = 10`
    init(wrappedValue: Value, _ name: String, _ kind: ArgumentKind? = nil, short: Character? = nil, valueName: String? = nil,
         help: String) {
        self.init(spec: FlagSpec(name, short: short, value: kind ?? Value.defaultKind, valueName: valueName ?? Value.defaultValueName,
                                 help: help),
                  initial: wrappedValue) { texts, command in
            try Value.parse(texts.last ?? "", for: "--\(name)", command: command)
        }
    }
}

/// `--name` alone: true when given. `@Flag("raw", help: "…") var raw: Bool`
@propertyWrapper
struct Flag: Sendable {
    let spec: FlagSpec
    private let bound = BoundValue(false)

    var wrappedValue: Bool { bound.value }

    init(_ name: String, short: Character? = nil, help: String) {
        spec = FlagSpec(name, short: short, help: help)
    }
}

/// A positional argument, in declaration order. Required text is a `String`; `T?` or a default
/// makes it optional; an array takes the rest of the words (one or more, or with `= []` any).
@propertyWrapper
struct Argument<Value: Sendable>: Sendable {
    let spec: PositionalSpec
    private let bound: BoundValue<Value>
    private let convert: @Sendable (_ texts: [String], _ command: String) throws -> Value

    var wrappedValue: Value { bound.value }

    fileprivate init(spec: PositionalSpec, initial: Value,
                     convert: @escaping @Sendable (_ texts: [String], _ command: String) throws -> Value) {
        self.spec = spec
        self.bound = BoundValue(initial)
        self.convert = convert
    }

    /// `@Argument("NODE", .node) var node: String`
    init(_ name: String, _ kind: ArgumentKind = .text, help: String? = nil) where Value == String {
        self.init(spec: PositionalSpec(name, kind, help: help), initial: "") { texts, _ in texts.first ?? "" }
    }

    /// `@Argument("RUN", .run) var run: String?`
    init<T: ArgumentValue>(_ name: String, _ kind: ArgumentKind? = nil, help: String? = nil) where Value == T? {
        self.init(spec: PositionalSpec(name, kind ?? T.defaultKind, optional: true, help: help), initial: nil) { texts, command in
            try texts.first.map { try T.parse($0, for: name, command: command) }
        }
    }

    /// `@Argument("PATH", .artifactPath) var paths: [String]`: one or more.
    init<T: ArgumentValue>(_ name: String, _ kind: ArgumentKind? = nil, help: String? = nil) where Value == [T] {
        self.init(spec: PositionalSpec(name, kind ?? T.defaultKind, variadic: true, help: help), initial: []) { texts, command in
            try texts.map { try T.parse($0, for: name, command: command) }
        }
    }

    /// `@Argument("VERB", .verb) var verbs: [String] = []`: any number, the default when none.
    init<T: ArgumentValue>(wrappedValue: [T], _ name: String, _ kind: ArgumentKind? = nil, help: String? = nil) where Value == [T] {
        self.init(spec: PositionalSpec(name, kind ?? T.defaultKind, optional: true, variadic: true, help: help),
                  initial: wrappedValue) { texts, command in
            texts.isEmpty ? wrappedValue : try texts.map { try T.parse($0, for: name, command: command) }
        }
    }
}

extension Argument where Value: ArgumentValue {
    /// `@Argument("STATUS") var status = 0`
    init(wrappedValue: Value, _ name: String, _ kind: ArgumentKind? = nil, help: String? = nil) {
        self.init(spec: PositionalSpec(name, kind ?? Value.defaultKind, optional: true, help: help), initial: wrappedValue) { texts, command in
            guard let text = texts.first else { return wrappedValue }
            return try Value.parse(text, for: name, command: command)
        }
    }
}

/// Declarations shared between commands (`OutputOptions`, `WaitOptions`, `LocalArtifactOptions`):
/// a struct of `@Option`/`@Flag`/`@Argument` properties, used as `@OptionGroup var output: OutputOptions`.
protocol ParsableOptions: Sendable {
    init()
}

@propertyWrapper
struct OptionGroup<Group: ParsableOptions>: Sendable {
    let wrappedValue: Group

    init() {
        wrappedValue = Group()
    }
}

// MARK: - Reading declarations and binding parsed words

/// What a wrapper declares, for the spec.
enum DeclaredElement: Sendable {
    case flag(FlagSpec)
    case positional(PositionalSpec)
}

/// Implemented by the wrappers: their declaration, and how parsed words become their value.
protocol Declaration: Sendable {
    var element: DeclaredElement { get }
    func bind(_ binder: inout Binder) throws
}

protocol DeclarationGroup {
    var declarations: [any Declaration] { get }
}

enum Declarations {
    /// The declarations of a command or group and of its groups, in the order of its properties.
    static func of(_ value: Any) -> [any Declaration] {
        Mirror(reflecting: value).children.flatMap { child -> [any Declaration] in
            if let declaration = child.value as? any Declaration { return [declaration] }
            if let group = child.value as? any DeclarationGroup { return group.declarations }
            return []
        }
    }
}

/// The parsed words of one command line, handed out to the declarations in order.
struct Binder {
    let parsed: ParsedWords
    let command: String
    private var nextPositional = 0

    init(parsed: ParsedWords, command: String) {
        self.parsed = parsed
        self.command = command
    }

    func values(of flag: String) -> [String]? { parsed.flagValues[flag] }

    /// The word of the next positional, or every remaining word for a variadic one.
    mutating func takePositional(_ spec: PositionalSpec) -> [String] {
        let remaining = Array(parsed.positionals.dropFirst(nextPositional))
        let taken = spec.variadic ? remaining : Array(remaining.prefix(1))
        nextPositional += taken.count
        return taken
    }
}

extension Option: Declaration {
    var element: DeclaredElement { .flag(spec) }

    func bind(_ binder: inout Binder) throws {
        guard let texts = binder.values(of: spec.name) else { return }
        bound.set(try convert(texts, binder.command))
    }
}

extension Flag: Declaration {
    var element: DeclaredElement { .flag(spec) }

    func bind(_ binder: inout Binder) throws {
        if binder.values(of: spec.name) != nil { bound.set(true) }
    }
}

extension Argument: Declaration {
    var element: DeclaredElement { .positional(spec) }

    func bind(_ binder: inout Binder) throws {
        let texts = binder.takePositional(spec)
        if texts.isEmpty, !spec.optional {
            throw CommandFailure.usage("\(binder.command): missing \(spec.name)")
        }
        bound.set(try convert(texts, binder.command))
    }
}

extension OptionGroup: DeclarationGroup {
    var declarations: [any Declaration] { Declarations.of(wrappedValue) }
}

/// Where a parsed value lands: declarations are values copied out by `Mirror`, so they share
/// the value through this box.
final class BoundValue<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ initial: Value) {
        storage = Mutex(initial)
    }

    var value: Value { storage.withLock { $0 } }

    func set(_ value: Value) {
        storage.withLock { $0 = value }
    }
}
