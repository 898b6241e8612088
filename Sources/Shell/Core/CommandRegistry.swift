/// The single list of commands: it feeds dispatch, `help` and completion.
public struct CommandRegistry: Sendable {
    let commands: [any ShellCommand.Type]

    init(_ commands: [any ShellCommand.Type]) {
        self.commands = commands
    }

    /// The grammar and help of every command, in the order `help` lists them.
    public var specs: [CommandSpec] { commands.map { $0.spec } }

    /// Finds the command named by the first one or two words; returns how many words it used.
    func lookup(_ words: [String]) -> (command: any ShellCommand.Type, consumed: Int)? {
        if words.count >= 2, let command = command(named: words[0] + " " + words[1]) {
            return (command, 2)
        }
        if let first = words.first, let command = command(named: first) {
            return (command, 1)
        }
        return nil
    }

    func command(named name: String) -> (any ShellCommand.Type)? {
        commands.first { $0.configuration.name == name || $0.configuration.aliases.contains(name) }
    }

    /// The spec of the command named by the first one or two words.
    public func spec(of words: [String]) -> CommandSpec? { lookup(words)?.command.spec }

    /// First words that start a command, aliases included.
    public var verbs: [String] {
        var seen: [String] = []
        for command in commands {
            for name in [command.configuration.name] + command.configuration.aliases {
                let first = String(name.split(separator: " ")[0])
                if !seen.contains(first) { seen.append(first) }
            }
        }
        return seen
    }

    /// Second words of the two-word commands that begin with `verb`.
    public func subverbs(of verb: String) -> [String] {
        commands.compactMap { command -> String? in
            let parts = command.configuration.name.split(separator: " ")
            return parts.count == 2 && parts[0] == verb ? String(parts[1]) : nil
        }
    }

    public func suggestion(for verb: String, aliases: [String] = []) -> String? {
        Suggestion.nearest(to: verb, in: verbs + aliases.sorted())
    }
}
