/// Splits a line of shell input into commands and words (SHELL.md §2): `;` separates
/// commands, `#` starts a comment, quotes are `'…'` and `"…"`, a backslash escapes the
/// next character, and a trailing backslash asks for a continuation line.
public struct Lexer: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible, Sendable {
        case unterminatedQuote(Character)

        public var description: String {
            switch self {
            case .unterminatedQuote(let quote):
                return "unterminated \(quote) quote: close it, or escape it with a backslash"
            }
        }
    }

    public enum Outcome: Equatable, Sendable {
        /// Complete commands, each a list of words; empty commands are dropped.
        case commands([[Word]])
        /// The line ends with a backslash: read another line and lex them joined.
        case needsContinuation
    }

    public struct Word: Equatable, Sendable, CustomStringConvertible {
        public var text: String
        /// True when any part of the word was quoted or escaped, so `"#"` or `""` stay words.
        public var wasQuoted: Bool
        public var description: String { text }
        public init(_ text: String, wasQuoted: Bool = false) {
            self.text = text
            self.wasQuoted = wasQuoted
        }
    }

    /// What the lexer saw up to the end of a partial line, for completion.
    public struct Partial: Equatable, Sendable {
        /// Words of the command the cursor is in, before the word being typed.
        public var precedingWords: [String]
        /// The (unquoted) text of the word being typed; empty after a space.
        public var currentWord: String
        /// The raw characters of the word being typed, as they appear in the line.
        public var currentWordRaw: String
        public var openQuote: Character?
    }

    public init() {}

    public func lex(_ line: String) throws(Failure) -> Outcome {
        var scanner = Scanner(line)
        let result = scanner.run()
        if let quote = scanner.openQuote { throw .unterminatedQuote(quote) }
        if scanner.endsWithContinuation { return .needsContinuation }
        return .commands(result.filter { !$0.isEmpty })
    }

    /// Whether a line read on its own, or after a continuation that ended inside a word
    /// (`afterWord`), asks for another line; and whether it ends inside a word. Looks at this
    /// line only, so joining N continuation lines costs O(N), not O(N²).
    public func continuation(of line: String, afterWord: Bool) -> (continues: Bool, endsInWord: Bool) {
        var scanner = Scanner(line, startsInWord: afterWord)
        _ = scanner.run()
        return (scanner.openQuote == nil && scanner.endsWithContinuation, scanner.endedInWord)
    }

    /// Lexes a line that may end inside a word or a quote, for tab completion.
    public func partial(_ textBeforeCursor: String) -> Partial {
        var scanner = Scanner(textBeforeCursor)
        let commands = scanner.run(keepingPartialWord: true)
        var words = (commands.last ?? []).map(\.text)
        var current = ""
        var raw = ""
        if scanner.lastWordIsOpen, !words.isEmpty {
            current = words.removeLast()
            raw = String(textBeforeCursor[scanner.lastWordStart...])
        }
        return Partial(precedingWords: words, currentWord: current, currentWordRaw: raw, openQuote: scanner.openQuote)
    }
}

private struct Scanner {
    let characters: [Character]
    let source: String
    var index = 0
    var openQuote: Character?
    var endsWithContinuation = false
    var lastWordIsOpen = false
    var lastWordStart: String.Index
    /// Whether the text ended inside a word (before a trailing continuation backslash).
    var endedInWord = false
    private let startsInWord: Bool

    init(_ text: String, startsInWord: Bool = false) {
        source = text
        characters = Array(text)
        lastWordStart = text.endIndex
        self.startsInWord = startsInWord
    }

    mutating func run(keepingPartialWord: Bool = false) -> [[Lexer.Word]] {
        var commands: [[Lexer.Word]] = [[]]
        var word = ""
        var inWord = startsInWord
        var quoted = false
        var wordStartOffset = 0

        func finishWord(_ commands: inout [[Lexer.Word]]) {
            if inWord { commands[commands.count - 1].append(Lexer.Word(word, wasQuoted: quoted)) }
            word = ""
            inWord = false
            quoted = false
        }

        while index < characters.count {
            let c = characters[index]
            if let quote = openQuote {
                if c == quote {
                    openQuote = nil
                } else if quote == "\"", c == "\\", index + 1 < characters.count,
                          ["\"", "\\", "$", "`"].contains(characters[index + 1]) {
                    index += 1
                    word.append(characters[index])
                } else {
                    word.append(c)
                }
                index += 1
                continue
            }
            switch c {
            case " ", "\t", "\n", "\r", "\r\n":
                finishWord(&commands)
            case ";":
                finishWord(&commands)
                commands.append([])
            case "#" where !inWord:
                index = characters.count
                continue
            case "'", "\"":
                if !inWord { wordStartOffset = index }
                inWord = true
                quoted = true
                openQuote = c
            case "\\":
                if index + 1 == characters.count {
                    endsWithContinuation = true
                    index += 1
                    continue
                }
                if !inWord { wordStartOffset = index }
                inWord = true
                quoted = true
                index += 1
                word.append(characters[index])
            default:
                if !inWord { wordStartOffset = index }
                inWord = true
                word.append(c)
            }
            index += 1
        }
        endedInWord = inWord
        if keepingPartialWord {
            lastWordIsOpen = inWord
            if lastWordIsOpen {
                lastWordStart = source.index(source.startIndex, offsetBy: wordStartOffset)
            }
        }
        finishWord(&commands)
        return commands
    }
}
