struct HelpCommand: ShellCommand {
    let registry: @Sendable () -> CommandRegistry

    var spec: CommandSpec {
        CommandSpec("help", aliases: ["?"], summary: "list the commands, or document one",
                    positionals: [PositionalSpec("VERB", .verb, optional: true, variadic: true)],
                    examples: ["help", "help run", "help job export"])
    }

    func run(_ invocation: Invocation, in session: Session) async throws -> Int32 {
        let registry = registry()
        guard !invocation.positionals.isEmpty else {
            session.console.out(HelpText.overview(registry))
            return 0
        }
        guard let (command, _) = registry.lookup(invocation.positionals) else {
            let verb = invocation.positionals[0]
            let subverbs = registry.subverbs(of: verb)
            if !subverbs.isEmpty {
                session.console.line("\(verb): " + subverbs.map { "\(verb) \($0)" }.joined(separator: ", "))
                return 0
            }
            let hint = registry.suggestion(for: verb).map { " (did you mean \($0)?)" } ?? ""
            throw CommandFailure.usage("help: no command '\(verb)'\(hint)")
        }
        session.console.out(HelpText.forCommand(command.spec))
        return 0
    }
}
