struct LetCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "let", summary: "set a variable for $NAME and ${NAME}; alone, list the variables",
        discussion: "A variable holds one word (quote it to keep spaces), which may start with - ('help let' is its help). ${account}, ${project}, ${environment}, ${job} and ${run} are the context's ids and change with 'use'; ${env:NAME} is the environment's; see 'help language'.",
        examples: ["let status $?", "let model fct_orders; sql $model > $model.sql", "let"], argumentsOnly: true)
    @Argument("NAME", help: "letters, digits and _, not starting with a digit") var name: String?
    @Argument("VALUE", help: "the value (one word: quote it to keep spaces)") var value: String?

    func run(in session: Session) async throws -> Int32 {
        guard let name else {
            for (name, value) in session.language.variables.sorted(by: { $0.key < $1.key }) {
                session.console.line("let \(name) \(ShellQuoting.quoted(value))")
            }
            return 0
        }
        guard Lexer.isName(name) else {
            throw CommandFailure.usage("let: '\(name)' is not a variable name: letters, digits and _, not starting with a digit")
        }
        if ShellContext.Level(rawValue: name) != nil {
            throw CommandFailure.usage("let: ${\(name)} is the context's \(name) id: change it with 'use \(name) ID'")
        }
        guard let value else {
            guard let current = session.language.variables[name] else {
                throw CommandFailure.usage("let: ${\(name)} is not set; 'let \(name) VALUE' sets it")
            }
            session.console.line(current)
            return 0
        }
        session.updateLanguage { $0.variables[name] = value }
        return 0
    }
}

struct UnsetCommand: ShellCommand {
    static let configuration = CommandConfiguration("unset", summary: "forget variables set with let", examples: ["unset model"])
    @Argument("NAME") var names: [String]

    func run(in session: Session) async throws -> Int32 {
        let unknown = session.updateLanguage { language in
            names.filter { language.variables.removeValue(forKey: $0) == nil }
        }
        guard unknown.isEmpty else {
            throw CommandFailure.usage("unset: no variable \(unknown.joined(separator: ", ")) (see 'let')")
        }
        return 0
    }
}

struct EchoCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "echo", summary: "print words (with their variables expanded) on standard output",
        discussion: "Every word is printed, those that start with - included ('help echo' is its help).",
        examples: ["echo run ${run} ended with $?", "echo \"${env:USER} in ${account}\""], argumentsOnly: true)
    @Argument("WORD") var words: [String] = []

    func run(in session: Session) async throws -> Int32 {
        session.console.line(words.joined(separator: " "))
        return 0
    }
}
