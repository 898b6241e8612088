import DbtCloud
import Foundation
import TerminalText

/// `--set KEY=VALUE` as `job update` and the account-object commands take it: a dotted key
/// (`settings.threads`) and the text after `=`, kept byte for byte until the live value of the
/// key says how to read it (`value(over:)`).
struct Assignment: Sendable, Equatable {
    let key: String
    let text: String

    var path: [String] { key.split(separator: ".").map(String.init) }

    /// The text read as JSON when it is JSON (`8`, `false`, `null`, `["a"]`, `"8"`), else as text.
    var value: JSONValue { (try? JSONValue(parsing: text)) ?? .string(text) }

    /// The value to write over `live`: where the key holds a string the text stays a string,
    /// byte for byte (`1.10` stays "1.10"; a quoted JSON string `"8"` is its content); elsewhere `value`.
    func value(over live: JSONValue?) -> JSONValue {
        guard case .string? = live else { return value }
        if case .string = value { return value }
        return .string(text)
    }

    static func parse(_ text: String, command: String) throws -> Assignment {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw CommandFailure.usage("\(command): '\(text)' is not KEY=VALUE (e.g. name=Nightly)")
        }
        let key = String(text[..<eq])
        guard !key.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            throw CommandFailure.usage("\(command): '\(key)' is not a key; nested keys are dotted, e.g. settings.threads")
        }
        return Assignment(key: key, text: String(text[text.index(after: eq)...]))
    }

    static func parse(_ texts: [String], command: String) throws -> [Assignment] {
        try texts.map { try parse($0, command: command) }
    }

    /// Refuses an assignment whose top-level key `live` does not have, naming the nearest key it has.
    static func requireKnownKeys(_ assignments: [Assignment], in live: JSONValue, of target: String,
                                 command: String, keysHint: String) throws {
        let known = live.objectValue.map { Array($0.keys).sorted() } ?? []
        for assignment in assignments {
            guard let top = assignment.path.first, !known.contains(top) else { continue }
            let near = Suggestion.nearest(to: top, in: known).map { " (did you mean \($0)?)" } ?? ""
            throw CommandFailure.usage(
                "\(command): \(target) has no key '\(VisibleControls.escaping(top, .singleLine))'\(near); \(keysHint)")
        }
    }
}

/// A definition a command reads from a file: JSON or YAML, `-` for standard input.
enum DefinitionFile {
    static func read(_ path: String, for command: String, console: Console) throws -> JSONValue {
        let data = path == "-" ? try console.readStandardInput(for: command) : try DefinitionText.contents(of: path)
        return try DefinitionText.parse(data, name: path)
    }

    /// A definition that must be one object of keys.
    static func object(_ path: String, for command: String, console: Console) throws -> [String: JSONValue] {
        guard case .object(let fields) = try read(path, for: command, console: console) else {
            throw CommandFailure.usage("\(command): \(path) is not one object of keys (JSON or YAML); 'show … --json' prints one to start from")
        }
        return fields
    }
}

/// How a change is confirmed: asked on a terminal, `--yes` in a script.
enum Confirmation {
    /// Refuses a change from a script that did not say `--yes`, before anything is sent.
    static func requireYesInScripts(_ yes: Bool, command: String, session: Session) throws {
        guard !yes, !session.canPrompt else { return }
        throw CommandFailure.usage("\(command): refusing without --yes when not on a terminal")
    }

    /// True to go ahead: `--yes`, or `y` to the question on the terminal.
    static func granted(_ question: String, yes: Bool, session: Session) -> Bool {
        yes || session.console.confirm(question + " [y/N] ")
    }
}

/// Keys that change, as `key: old → new` lines: the old value in the failure colour, the new one
/// in the success colour (where colour is on). Values are shown as JSON, so `"8"` and `8` differ.
enum ChangeLines {
    static func lines(_ changes: [JobChange], indent: String = "  ") -> [ConsoleText] {
        changes.map { change in
            let old = change.live.map(shown) ?? "(absent)"
            return "\(indent)\(VisibleControls.escaping(change.key, .singleLine)): \(old, style: .failure) → \(shown(change.declared), style: .success)"
        }
    }

    /// The changes `assignments` make to `live`, one per key whose value differs.
    static func changes(of live: JSONValue, to assignments: [String: JSONValue]) -> [JobChange] {
        assignments.keys.sorted().compactMap { key in
            let now = live.value(at: key.split(separator: ".").map(String.init))
            let wanted = assignments[key] ?? .null
            return now == wanted ? nil : JobChange(key: key, live: now, declared: wanted)
        }
    }

    static func shown(_ value: JSONValue) -> String {
        let text = VisibleControls.escaping(value.compactText, .singleLine)
        return text.count > 200 ? String(text.prefix(199)) + "…" : text
    }
}
