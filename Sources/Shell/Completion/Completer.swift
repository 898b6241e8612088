/// One completion candidate: what replaces the word, and what the list shows.
public struct CompletionItem: Sendable, Equatable {
    public var replacement: String
    public var display: String
    public var appendsSpace: Bool

    public init(_ replacement: String, display: String? = nil, appendsSpace: Bool = true) {
        self.replacement = replacement
        self.display = display ?? replacement
        self.appendsSpace = appendsSpace
    }
}

public struct CompletionResult: Sendable, Equatable {
    /// The raw text before the cursor that the replacements replace.
    public var word: String
    public var items: [CompletionItem]
    /// Shown when there are no items yet: a listing being loaded, or why it failed.
    public var message: String?

    public init(word: String, items: [CompletionItem], message: String? = nil) {
        self.word = word
        self.items = items
        self.message = message
    }
}

/// Tab completion in two stages (pgcli): what kind of thing goes here (pure), then which
/// items of that kind match (static lists, or the session's listing cache).
public struct Completer: Sendable {
    public let session: Session

    public init(session: Session) {
        self.session = session
    }

    public var registry: CommandRegistry { session.registry }

    public func complete(_ textBeforeCursor: String) -> CompletionResult {
        let partial = Lexer().partial(textBeforeCursor)
        if let subShell = session.subShell {
            return CompletionResult(word: partial.currentWordRaw, items: subShell.complete(partial))
        }
        // After `|` the words are the system shell's; after `>` a file's name.
        guard partial.place == .command else { return CompletionResult(word: partial.currentWordRaw, items: []) }
        if let variables = VariableNames.completing(partial.currentWordRaw, session: session) {
            return CompletionResult(word: partial.currentWordRaw, items: variables)
        }
        let aliases = session.language.aliases
        let words = CommandWords.resolving(partial.precedingWords, aliases: aliases, registry: registry)
        let slot = CompletionSlot.find(words: words, current: partial.currentWord, registry: registry, aliases: aliases.keys.sorted())
        if let name = MultiWordName.find(slot: slot, partial: partial, textBeforeCursor: textBeforeCursor) {
            let items = candidates(for: slot, matching: name.typed)
            return CompletionResult(word: name.raw, items: items, message: items.isEmpty ? message(for: slot) : nil)
        }
        let items = candidates(for: slot, matching: partial.currentWord)
        return CompletionResult(word: partial.currentWordRaw, items: items, message: items.isEmpty ? message(for: slot) : nil)
    }

    private func message(for slot: CompletionSlot) -> String? {
        guard case .argument(let kind, _) = slot else { return nil }
        return session.completionSource.message(for: kind, session: session)
    }

    func candidates(for slot: CompletionSlot, matching word: String) -> [CompletionItem] {
        switch slot {
        case .nothing:
            return []
        case .words(let words):
            return words.filter { $0.hasPrefix(word) }.map { CompletionItem($0) }
        case .flags(let flags):
            return flags.map { "--" + $0 }.filter { $0.hasPrefix(word) }.map { CompletionItem($0) }
        case .argument(let kind, let command):
            if let fixed = StaticCandidates.words(for: kind, command: command, session: session) {
                return fixed.filter { $0.hasPrefix(word) }.map { CompletionItem($0) }
            }
            let named = kind == .run ? ["latest", "last-failed", "last-success"].filter { $0.hasPrefix(word) && !word.isEmpty }.map { CompletionItem($0) } : []
            return named + session.completionSource.items(for: kind, matching: word, session: session)
        }
    }
}

/// What the word under the cursor is.
enum CompletionSlot: Equatable {
    case nothing
    case words([String])
    case flags([String])
    case argument(ArgumentKind, command: [String])

    static func find(words: [String], current: String, registry: CommandRegistry, aliases: [String] = []) -> CompletionSlot {
        guard let verb = words.first else { return .words(registry.verbs + aliases.filter { !registry.verbs.contains($0) }) }
        let subverbs = registry.subverbs(of: verb)
        guard let (command, consumed) = registry.lookup(words) else {
            return words.count == 1 && !subverbs.isEmpty ? .words(subverbs) : .nothing
        }
        let spec = command.spec
        let arguments = Array(words.dropFirst(consumed))
        if current.hasPrefix("-") { return .flags(spec.allFlags.map(\.name)) }
        if let last = arguments.last, last.hasPrefix("--"),
           let flag = spec.allFlags.first(where: { "--" + $0.name == last }), let kind = flag.value {
            return .argument(kind, command: words)
        }
        if let last = arguments.last, last.hasPrefix("-"), !last.hasPrefix("--"), last.count == 2,
           let flag = spec.allFlags.first(where: { $0.short.map { "-\($0)" } == last }), let kind = flag.value {
            return .argument(kind, command: words)
        }
        let positionalCount = Self.positionalCount(arguments, spec: spec)
        if consumed == 1, arguments.isEmpty, !subverbs.isEmpty, spec.positionals.isEmpty {
            return .words(subverbs)
        }
        var kinds = spec.positionals.map(\.kind)
        if let variadic = spec.positionals.last, variadic.variadic {
            kinds += Array(repeating: variadic.kind, count: max(0, positionalCount - kinds.count + 1))
        }
        guard positionalCount < kinds.count else { return .nothing }
        let typed = arguments.filter { !$0.hasPrefix("-") }
        return .argument(command.completionKind(kinds[positionalCount], after: typed), command: words)
    }

    /// How many of `arguments` are options (with their values) before the first argument.
    static func leadingOptionCount(_ arguments: [String], spec: CommandSpec) -> Int {
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("-"), Int(arguments[index]) == nil {
            let word = arguments[index]
            index += 1
            if word == "--" { break }
            let name = word.hasPrefix("--") ? String(word.dropFirst(2)) : String(word.dropFirst())
            let flag = spec.allFlags.first { $0.name == name || $0.short.map(String.init) == name }
            if flag?.value != nil, !word.contains("=") { index += 1 }
        }
        return min(index, arguments.count)
    }

    static func positionalCount(_ arguments: [String], spec: CommandSpec) -> Int {
        var count = 0
        var skipNext = false
        for word in arguments {
            if skipNext { skipNext = false; continue }
            if word.hasPrefix("-"), Int(word) == nil {
                let name = word.hasPrefix("--") ? String(word.dropFirst(2)) : String(word.dropFirst())
                let flag = spec.allFlags.first { $0.name == name || $0.short.map(String.init) == name }
                if flag?.value != nil, !word.contains("=") { skipNext = true }
                continue
            }
            count += 1
        }
        return count
    }
}

enum StaticCandidates {
    static func words(for kind: ArgumentKind, command: [String], session: Session) -> [String]? {
        if let choices = choices(of: kind) { return choices }
        let aliases = session.language.aliases.keys.sorted()
        if case .verb = kind { return session.registry.verbs + aliases.filter { !session.registry.verbs.contains($0) } }
        if case .alias = kind { return aliases }
        return nil
    }

    static func choices(of kind: ArgumentKind) -> [String]? {
        switch kind {
        case .choice(let options): return options
        case .runStatus: return ["queued", "starting", "running", "success", "error", "cancelled"]
        case .contextLevel: return ShellContext.Level.allCases.map(\.rawValue)
        case .settingKey: return Settings.keys
        case .httpMethod: return ["GET", "POST", "PUT", "PATCH", "DELETE"]
        default: return nil
        }
    }
}

/// `use job Hourly re<TAB>`: an unquoted name of several words is completed as one name.
enum MultiWordName {
    static func find(slot: CompletionSlot, partial: Lexer.Partial, textBeforeCursor: String) -> (typed: String, raw: String)? {
        guard case .argument(let kind, let command) = slot, [.account, .project, .environment, .job].contains(kind),
              command.first == "use", partial.precedingWords.count > 2,
              let levelRange = textBeforeCursor.range(of: partial.precedingWords[1]) else { return nil }
        let typed = (partial.precedingWords.dropFirst(2) + [partial.currentWord]).joined(separator: " ")
        let raw = String(textBeforeCursor[levelRange.upperBound...].drop { $0.isWhitespace })
        return (typed, raw)
    }
}

/// The words completion looks at: an alias's first word stands for its body's last command
/// (`alias r 'runs -n 5'`, then `r --st<TAB>` completes `runs`' options), and a command that
/// takes a command line (`watch [--interval S] CMD…`) stands aside for the command it runs.
enum CommandWords {
    static func resolving(_ words: [String], aliases: [String: String], registry: CommandRegistry) -> [String] {
        var words = words
        var expanded: Set<String> = []
        for _ in 0..<Interpreter.aliasDepth {
            guard let first = words.first else { return words }
            if let body = aliases[first], !expanded.contains(first),
               case .commands(let commands)? = try? Lexer().lex(body), let last = commands.last {
                expanded.insert(first)
                words = last.words.map(\.text) + words.dropFirst()
                continue
            }
            guard let (command, consumed) = registry.lookup(words), command.spec.optionsEndAtFirstArgument,
                  command.spec.positionals.first?.kind == .verb else { return words }
            let arguments = Array(words.dropFirst(consumed))
            let optionCount = CompletionSlot.leadingOptionCount(arguments, spec: command.spec)
            guard optionCount < arguments.count else { return words }
            words = Array(arguments.dropFirst(optionCount))
        }
        return words
    }
}

/// `${jo<TAB>` → `${job}`, `$mo<TAB>` → `$model`: the context's levels that are set and the
/// variables of `let`, where a word being typed is a reference.
enum VariableNames {
    static func completing(_ raw: String, session: Session) -> [CompletionItem]? {
        let braced = raw.hasPrefix("${")
        guard braced || raw.hasPrefix("$"), !raw.contains("}") else { return nil }
        let typed = String(raw.dropFirst(braced ? 2 : 1))
        guard typed.isEmpty || Lexer.isName(typed) else { return nil }
        let context = session.context
        let levels = ShellContext.Level.allCases.filter { context[$0] != nil }.map(\.rawValue)
        let names = levels + session.language.variables.keys.sorted()
        return names.filter { $0.hasPrefix(typed) }.map { braced ? CompletionItem("${\($0)}") : CompletionItem("$" + $0) }
    }
}
