/// A command's words parsed against its spec.
public struct Invocation: Sendable {
    public var spec: CommandSpec
    public var positionals: [String]
    public var flagValues: [String: [String]]

    public func has(_ flag: String) -> Bool { flagValues[flag] != nil }
    public func value(_ flag: String) -> String? { flagValues[flag]?.last }
    public func values(_ flag: String) -> [String] { flagValues[flag] ?? [] }
    public func positional(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }

    public func integer(_ flag: String) throws -> Int? {
        guard let text = value(flag) else { return nil }
        guard let number = Int(text) else { throw CommandFailure.usage("--\(flag) expects a whole number, not '\(text)'") }
        return number
    }

    public var wantsJSON: Bool? {
        if has("json") { return true }
        switch value("output") {
        case "json": return true
        case "table": return false
        default: return nil
        }
    }

    /// Parses words after the verb. Flags may appear anywhere; `--` ends them.
    public static func parse(_ words: [String], spec: CommandSpec) throws -> Invocation {
        var positionals: [String] = []
        var flags: [String: [String]] = [:]
        let known = spec.allFlags
        var index = 0
        var flagsEnded = false
        while index < words.count {
            let word = words[index]
            index += 1
            if flagsEnded || !word.hasPrefix("-") || word == "-" || Int(word) != nil {
                positionals.append(word)
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
                let suggestion = Suggestion.nearest(to: name, in: known.map(\.name))
                let hint = suggestion.map { " (did you mean --\($0)?)" } ?? ""
                throw CommandFailure.usage("\(spec.name): unknown option \(word)\(hint); see '\(spec.name) --help'")
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
        let invocation = Invocation(spec: spec, positionals: positionals, flagValues: flags)
        if !invocation.has("help") { try invocation.checkPositionalCount() }
        return invocation
    }

    private func checkPositionalCount() throws {
        let required = spec.positionals.filter { !$0.optional }.count
        let variadic = spec.positionals.contains { $0.variadic }
        if positionals.count < required {
            let missing = spec.positionals.filter { !$0.optional }[positionals.count].name
            throw CommandFailure.usage("\(spec.name): missing \(missing); usage: \(spec.usage)")
        }
        if !variadic, positionals.count > spec.positionals.count {
            throw CommandFailure.usage("\(spec.name): unexpected argument '\(positionals[spec.positionals.count])'; usage: \(spec.usage)")
        }
    }
}
