/// The single list of commands: it feeds dispatch, `help` and completion.
public struct CommandRegistry: Sendable {
    public let commands: [any ShellCommand]

    public init(_ commands: [any ShellCommand]) {
        self.commands = commands
    }

    /// Finds the command named by the first one or two words; returns how many words it used.
    public func lookup(_ words: [String]) -> (command: any ShellCommand, consumed: Int)? {
        if words.count >= 2, let command = command(named: words[0] + " " + words[1]) {
            return (command, 2)
        }
        if let first = words.first, let command = command(named: first) {
            return (command, 1)
        }
        return nil
    }

    public func command(named name: String) -> (any ShellCommand)? {
        commands.first { $0.spec.name == name || $0.spec.aliases.contains(name) }
    }

    /// First words that start a command, aliases included.
    public var verbs: [String] {
        var seen: [String] = []
        for command in commands {
            for name in [command.spec.name] + command.spec.aliases {
                let first = String(name.split(separator: " ")[0])
                if !seen.contains(first) { seen.append(first) }
            }
        }
        return seen
    }

    /// Second words of the two-word commands that begin with `verb`.
    public func subverbs(of verb: String) -> [String] {
        commands.compactMap { command -> String? in
            let parts = command.spec.name.split(separator: " ")
            return parts.count == 2 && parts[0] == verb ? String(parts[1]) : nil
        }
    }

    public func suggestion(for verb: String) -> String? {
        Suggestion.nearest(to: verb, in: verbs)
    }
}
