import TerminalText

enum HelpText {
    static func forCommand(_ spec: CommandSpec) -> String {
        var text = "usage: \(spec.usage)\n\n\(spec.summary)\n"
        if !spec.discussion.isEmpty { text += "\n\(spec.discussion)\n" }
        if !spec.positionals.isEmpty {
            text += "\narguments:\n"
            for argument in spec.positionals {
                text += "  \(argument.name.padding(20))\(argument.help ?? describe(argument.kind))\n"
            }
        }
        // A command whose every word is an argument (`echo`) has no options, not even --help.
        if !spec.argumentsOnly {
            text += "\noptions:\n"
            for flag in spec.allFlags {
                var name = "--\(flag.name)"
                if let short = flag.short { name = "-\(short), " + name }
                if flag.value != nil { name += " \(flag.valueName)" }
                text += "  \(name.padding(28))\(flag.help)\n"
            }
        }
        if !spec.fields.isEmpty || spec.rawFields {
            text += "\nfields (--fields A,B,…: the table's columns, the keys of JSON and CSV):\n"
            var line = " "
            for field in spec.fields {
                if line.count + field.count + 2 > 78 {
                    text += line + "\n"
                    line = " "
                }
                line += " " + field + (field == spec.fields.last ? "" : ",")
            }
            if !spec.fields.isEmpty { text += line + "\n" }
            if spec.rawFields {
                text += spec.fields.isEmpty ? "  any key of the API's object\n" : "  and any key of the API's objects (which --json prints whole)\n"
            }
        }
        if !spec.examples.isEmpty {
            text += "\nexamples:\n" + spec.examples.map { "  \($0)\n" }.joined()
        }
        if !spec.aliases.isEmpty { text += "\naliases: \(spec.aliases.joined(separator: ", "))\n" }
        return text
    }

    static func overview(_ registry: CommandRegistry, aliases: [String: String] = [:]) -> String {
        var text = "dbtsh: a shell for dbt Cloud. Commands act on the context (see 'context').\n\n"
        let configurations = registry.commands.map { $0.configuration }
        text += summaries(of: configurations)
        if !aliases.isEmpty {
            let width = min(24, (configurations.map(\.name.count).max() ?? 10) + 2)
            text += "\naliases:\n"
            for name in aliases.keys.sorted() {
                text += "  \(name.padding(width))\(VisibleControls.escaping(aliases[name] ?? "", .singleLine))\n"
            }
        }
        text += "\n'help VERB' or 'VERB --help' for details; 'help language' for ;, |, >, $?, variables and aliases.\n"
        text += "Ctrl-C stops a command, Ctrl-D leaves.\n"
        text += "\n" + ExitCode.summary() + "\n"
        return text
    }

    /// `help job`: the commands that begin with `verb`, with their summaries.
    static func group(_ verb: String, _ registry: CommandRegistry) -> String {
        let configurations = registry.commands.map { $0.configuration }.filter { $0.name.hasPrefix(verb + " ") }
        return summaries(of: configurations)
            + "\n'help \(verb) VERB' or '\(verb) VERB --help' for details.\n"
    }

    private static func summaries(of configurations: [CommandConfiguration]) -> String {
        let width = min(24, (configurations.map(\.name.count).max() ?? 10) + 2)
        return configurations.map { "  \($0.name.padding(width))\($0.summary)\n" }.joined()
    }

    private static func describe(_ kind: ArgumentKind) -> String {
        switch kind {
        case .account: return "account id or name"
        case .project: return "project id or name"
        case .environment: return "environment id or name"
        case .job: return "job id or name"
        case .run: return "run id, or latest / last-failed / last-success"
        case .step: return "step index"
        case .artifactPath: return "artifact path, e.g. run_results.json"
        case .node: return "node name or unique id"
        case .relation: return "relation (model, seed, snapshot or source) name or unique id"
        case .contextLevel: return "account, project, environment, job or run"
        case .choice(let options): return options.joined(separator: " | ")
        case .file: return "file path"
        case .duration: return "duration, e.g. 30s, 5m"
        case .integer: return "number"
        case .runStatus: return "queued, starting, running, success, error, cancelled"
        case .httpMethod: return "GET, POST, PUT, PATCH, DELETE"
        case .settingKey: return Settings.keys.joined(separator: ", ")
        case .settingValue: return "value"
        case .verb: return "command"
        case .alias: return "alias name"
        case .text: return "text"
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        let length = count
        return length >= width ? self + " " : self + String(repeating: " ", count: width - length)
    }
}
