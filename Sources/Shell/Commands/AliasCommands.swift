struct AliasCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "alias", summary: "name a command line: alias NAME 'CMD; CMD $1'; alone, list the aliases",
        discussion: """
        The body runs when NAME is typed, lexed then (so single-quote it to keep $1 for then). $1…$9, $@ and $# \
        are the alias's arguments; a body without them gets the words typed after NAME at the end of its last \
        command ('alias r runs -n 5', then 'r --json'). An alias may have a command's name: it then replaces the \
        command, and inside its body that name is the command. Aliases set in the start-up file \
        (~/.config/dbtsh/rc) are there in every interactive session.
        """,
        examples: ["alias nightly 'use job 43167; runs -n 5'", "alias why 'use run $1; failures'", "alias", "alias why"],
        optionsEndAtFirstArgument: true)
    @Argument("NAME", help: "the alias's name: letters, digits, '-', '_' and '.'") var name: String?
    @Argument("BODY", help: "the command line (quoted); several words are joined") var body: [String] = []

    /// Names that must stay commands: they are how aliases are undone.
    static let reserved = ["alias", "unalias"]

    func run(in session: Session) async throws -> Int32 {
        let aliases = session.language.aliases
        var name = self.name
        var body = self.body
        // bash's form: alias r='runs -n 5'
        if let typed = name, body.isEmpty, let equals = typed.firstIndex(of: "="), equals != typed.startIndex {
            name = String(typed[..<equals])
            body = [String(typed[typed.index(after: equals)...])]
        }
        guard let name else {
            for name in aliases.keys.sorted() { session.console.line(Self.definition(name, aliases[name] ?? "")) }
            return 0
        }
        guard !body.isEmpty else {
            guard let current = aliases[name] else {
                let hint = Suggestion.nearest(to: name, in: Array(aliases.keys)).map { " (did you mean \($0)?)" } ?? ""
                throw CommandFailure.usage("alias: no alias \(name)\(hint); 'alias' lists them")
            }
            session.console.line(Self.definition(name, current))
            return 0
        }
        guard Self.isValidName(name) else {
            throw CommandFailure.usage("alias: '\(name)' cannot name an alias: use letters, digits, '-', '_' and '.'")
        }
        guard !Self.reserved.contains(name) else {
            throw CommandFailure.usage("alias: \(name) cannot be an alias: it is how aliases are changed")
        }
        let text = body.count == 1 ? body[0] : body.map(ShellQuoting.quoted).joined(separator: " ")
        do {
            guard case .commands(let commands) = try Lexer().lex(text), !commands.isEmpty else {
                throw CommandFailure.usage("alias \(name): the body is empty or ends with a backslash")
            }
        } catch let failure as Lexer.Failure {
            throw CommandFailure.usage("alias \(name): \(failure.description)")
        }
        session.updateLanguage { $0.aliases[name] = text }
        if session.registry.verbs.contains(name), aliases[name] == nil {
            session.console.errorLine("alias \(name) replaces the command \(name) (inside an alias '\(name)' is still the command; 'unalias \(name)' brings it back)")
        }
        return 0
    }

    static func definition(_ name: String, _ body: String) -> String {
        "alias \(name) \(ShellQuoting.quoted(body))"
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("-") && name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar)
        }
    }
}

struct UnaliasCommand: ShellCommand {
    static let configuration = CommandConfiguration("unalias", summary: "remove aliases", examples: ["unalias nightly"])
    @Argument("NAME", .alias) var names: [String]

    func run(in session: Session) async throws -> Int32 {
        let unknown = session.updateLanguage { language in
            names.filter { language.aliases.removeValue(forKey: $0) == nil }
        }
        guard unknown.isEmpty else {
            throw CommandFailure.usage("unalias: no alias \(unknown.joined(separator: ", ")) ('alias' lists them)")
        }
        return 0
    }
}
