/// A command's words sorted against its spec: positionals, and the raw values of each option
/// given. The declarations turn them into typed values (`ShellCommand.bind`).
struct ParsedWords: Sendable {
    var positionals: [String]
    var flagValues: [String: [String]]

    var asksForHelp: Bool { flagValues[FlagSpec.help.name] != nil }

    /// Parses words after the verb. Options may appear anywhere; `--` ends them.
    static func parse(_ words: [String], spec: CommandSpec) throws -> ParsedWords {
        var positionals: [String] = []
        var flags: [String: [String]] = [:]
        let known = spec.allFlags
        var index = 0
        var flagsEnded = spec.argumentsOnly
        while index < words.count {
            let word = words[index]
            index += 1
            if flagsEnded || !word.hasPrefix("-") || word == "-" || Int(word) != nil {
                positionals.append(word)
                if spec.optionsEndAtFirstArgument { flagsEnded = true }
                continue
            }
            if word == "--" {
                flagsEnded = true
                continue
            }
            var name: String
            var inlineValue: String?
            if word.hasPrefix("--") {
                name = String(word.dropFirst(2))
                if let eq = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
            } else {
                name = String(word.dropFirst())
            }
            let flag: FlagSpec? = word.hasPrefix("--")
                ? known.first { $0.name == name }
                : known.first { $0.short.map(String.init) == name }
            guard let flag else {
                let value = inlineValue ?? (index < words.count && !words[index].hasPrefix("-") ? words[index] : nil)
                let hint = ForeignHabits.optionHint(for: name, value: value, spec: spec)
                throw CommandFailure.usage("\(spec.name): unknown option \(word) (\(hint)); see '\(spec.name) --help'")
            }
            if flag.value == nil {
                if let inlineValue {
                    throw CommandFailure.usage("\(spec.name): --\(flag.name) takes no value (got '\(inlineValue)')")
                }
                flags[flag.name, default: []].append("")
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < words.count {
                value = words[index]
                index += 1
            } else {
                throw CommandFailure.usage("\(spec.name): --\(flag.name) needs a value (\(flag.valueName))")
            }
            if case .choice(let options) = flag.value, !options.contains(value) {
                let hint = Suggestion.nearest(to: value, in: options).map { " (did you mean \($0)?)" } ?? ""
                throw CommandFailure.usage("\(spec.name): --\(flag.name) must be one of \(options.joined(separator: ", ")), not '\(value)'\(hint)")
            }
            if !flag.repeatable, flags[flag.name] != nil {
                throw CommandFailure.usage("\(spec.name): --\(flag.name) given twice")
            }
            flags[flag.name, default: []].append(value)
        }
        let parsed = ParsedWords(positionals: positionals, flagValues: flags)
        if !parsed.asksForHelp { try parsed.checkPositionalCount(spec) }
        return parsed
    }

    private func checkPositionalCount(_ spec: CommandSpec) throws {
        let required = spec.positionals.filter { !$0.optional }
        let variadic = spec.positionals.contains { $0.variadic }
        if positionals.count < required.count {
            throw CommandFailure.usage("\(spec.name): missing \(required[positionals.count].name); usage: \(spec.usage)")
        }
        if !variadic, positionals.count > spec.positionals.count {
            throw CommandFailure.usage("\(spec.name): unexpected argument '\(positionals[spec.positionals.count])'; usage: \(spec.usage)")
        }
    }
}
