/// A type an `@Option` or `@Argument` can hold: how it reads what the user typed, and how it
/// completes and documents itself when the declaration names no kind.
protocol ArgumentValue: Sendable {
    /// nil when `argument` is not a value of this type.
    init?(argument: String)
    static var defaultKind: ArgumentKind { get }
    /// Shown after an option that takes this value: `--limit N`.
    static var defaultValueName: String { get }
    /// Said in a usage error: "--limit expects a whole number, not 'many'".
    static var expectation: String { get }
}

extension ArgumentValue {
    static func parse(_ text: String, for name: String, command: String) throws -> Self {
        guard let value = Self(argument: text) else {
            throw CommandFailure.usage("\(command): \(name) expects \(expectation), not '\(text)'")
        }
        return value
    }
}

extension String: ArgumentValue {
    init?(argument: String) { self = argument }
    static var defaultKind: ArgumentKind { .text }
    static var defaultValueName: String { "VALUE" }
    static var expectation: String { "text" }
}

extension Int: ArgumentValue {
    init?(argument: String) { self.init(argument) }
    static var defaultKind: ArgumentKind { .integer }
    static var defaultValueName: String { "N" }
    static var expectation: String { "a whole number" }
}

/// A positive duration as users type it: `90`, `90s`, `500ms`, `2m`, `1h`, `1m30s`, at most a week.
extension Duration: ArgumentValue {
    init?(argument: String) {
        guard let seconds = DurationText.seconds(argument), seconds > 0 else { return nil }
        self = .milliseconds(Int64((seconds * 1000).rounded()))
        guard self > .zero else { return nil }
    }

    static var defaultKind: ArgumentKind { .duration }
    static var defaultValueName: String { "DURATION" }
    static var expectation: String { "a duration above zero such as 90s, 500ms or 10m" }

    /// The duration in seconds, for the code that counts in `Double`.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// An enum of words (`OutputFormat`): completes and documents its cases, and says them in errors.
extension ArgumentValue where Self: CaseIterable & RawRepresentable, RawValue == String {
    init?(argument: String) { self.init(rawValue: argument) }
    static var choices: [String] { allCases.map(\.rawValue) }
    static var defaultKind: ArgumentKind { .choice(choices) }
    static var defaultValueName: String { choices.joined(separator: "|") }
    static var expectation: String { "one of " + choices.joined(separator: ", ") }
}
