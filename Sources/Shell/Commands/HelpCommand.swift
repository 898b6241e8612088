struct HelpCommand: ShellCommand {
    static let configuration = CommandConfiguration("help", aliases: ["?"], summary: "list the commands, or document one",
                                                    examples: ["help", "help run", "help job export", "help language"])
    @Argument("VERB", .verb) var words: [String] = []

    func run(in session: Session) async throws -> Int32 {
        let registry = session.registry
        let aliases = session.language.aliases
        guard !words.isEmpty else {
            session.console.out(HelpText.overview(registry, aliases: aliases))
            return 0
        }
        if words.count == 1, LanguageHelp.topics.contains(words[0]) {
            session.console.out(LanguageHelp.text)
            return 0
        }
        if words.count == 1, let body = aliases[words[0]] {
            session.console.line("\(words[0]) is an alias: \(AliasCommand.definition(words[0], body))")
            return 0
        }
        guard let (command, _) = registry.lookup(words) else {
            let verb = words[0]
            let subverbs = registry.subverbs(of: verb)
            if !subverbs.isEmpty {
                session.console.out(HelpText.group(verb, registry))
                return 0
            }
            let hint = registry.suggestion(for: verb).map { " (did you mean \($0)?)" } ?? ""
            throw CommandFailure.usage("help: no command '\(verb)'\(hint)")
        }
        session.console.out(HelpText.forCommand(command.spec))
        return 0
    }
}
