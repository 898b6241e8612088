import Foundation

/// The positional parameters a command sees: a script's (`dbtsh FILE ARG…`) or, inside an
/// alias, the alias's; and the aliases being expanded, outermost first.
struct Frame: Sendable, Equatable {
    /// `$0`: the script's path, `dbtsh`, or the alias's name.
    var name: String
    var arguments: [String]
    var aliases: [String] = []

    init(name: String, arguments: [String]) {
        self.name = name
        self.arguments = arguments
    }
}

/// The language's part of a session: `$?`, `let` variables, aliases, script arguments.
struct LanguageState: Sendable {
    var lastStatus: Int32 = 0
    var variables: [String: String] = [:]
    /// Name → body, as typed to `alias`.
    var aliases: [String: String] = [:]
    var script = Frame(name: "dbtsh", arguments: [])
    var environment = ProcessInfo.processInfo.environment
}

/// Turns lexed words into the words a command gets: each reference replaced by its value, each
/// word staying one word whatever its value holds (`$@` alone excepted: one word per argument).
/// A value is never lexed again, so a job name with `;` or `|` in it is only text.
struct Expansion {
    let session: Session
    let frame: Frame

    /// The context levels `${account}` … `${run}` name.
    static let contextNames = ShellContext.Level.allCases.map(\.rawValue)

    func words(_ words: [Lexer.Word]) throws -> [String] {
        var expanded: [String] = []
        for word in words {
            if word.parts == [.reference(.allArguments)] {
                expanded += frame.arguments
            } else {
                expanded.append(try self.word(word))
            }
        }
        return expanded
    }

    /// One word, whatever it holds (`$@` inside it joins the arguments with spaces).
    func word(_ word: Lexer.Word) throws -> String {
        var text = ""
        for part in word.parts {
            switch part {
            case .literal(let literal): text += literal
            case .reference(let reference): text += try value(of: reference)
            }
        }
        return text
    }

    func value(of reference: Lexer.Reference) throws -> String {
        switch reference {
        case .status:
            return String(session.lastStatus)
        case .argument(0):
            return frame.name
        case .argument(let number):
            guard number <= frame.arguments.count else {
                let owner = frame.aliases.last.map { "the alias \($0) was given" } ?? "the script was given"
                let count = frame.arguments.count
                throw CommandFailure.usage("\(reference): \(owner) \(count) argument\(count == 1 ? "" : "s")")
            }
            return frame.arguments[number - 1]
        case .allArguments:
            return frame.arguments.joined(separator: " ")
        case .argumentCount:
            return String(frame.arguments.count)
        case .variable(let name):
            return try variable(name)
        case .environment(let name):
            guard let value = session.environment[name] else {
                throw CommandFailure.usage("\(reference): the environment has no \(name)")
            }
            return value
        case .home:
            guard let home = session.environment["HOME"], !home.isEmpty else {
                throw CommandFailure.usage("~: HOME is not set; write the path in full")
            }
            return home
        }
    }

    private func variable(_ name: String) throws -> String {
        if let level = ShellContext.Level(rawValue: name) {
            guard let entry = session.context[level] else {
                throw CommandFailure.usage("${\(name)}: no \(name) in context ('use \(name) ID')")
            }
            return String(entry.id)
        }
        let variables = session.language.variables
        if let value = variables[name] { return value }
        var hint = "'let \(name) VALUE' sets it"
        if let near = Suggestion.nearest(to: name, in: Array(variables.keys) + Self.contextNames) {
            hint = "did you mean ${\(near)}?"
        } else if let key = session.environment.keys.first(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) {
            hint = "the environment's is ${env:\(key)}"
        }
        throw CommandFailure.usage("${\(name)} is not set: \(hint)")
    }
}

/// Where a script's command came from, for its error lines (`ci.dbtsh:4: error: …`).
enum ScriptLocation {
    @TaskLocal static var current: String?
}
