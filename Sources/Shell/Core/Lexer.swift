/// Splits a line of shell input into commands (README "The shell language"): `;` separates
/// commands, `#` starts a comment, quotes are `'…'` (literal) and `"…"` (`$` expands), a
/// backslash escapes the next character, and a trailing backslash asks for a continuation line.
/// A command may end with `| SYSTEM COMMAND` (kept as typed, for /bin/sh) or `> FILE`/`>> FILE`.
/// `$?`, `$1`…`$9`, `$@`, `$#`, `$NAME`, `${NAME}`, `${env:NAME}` and a leading `~` are kept as
/// references inside the words: they are expanded later, per word, and never lexed again.
///
/// The lexer reads Unicode scalars, not `Character`s: a combining mark typed after a quote
/// must not fuse with the quote into one grapheme and hide it.
public struct Lexer: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible, Sendable {
        case unterminatedQuote(Character)
        /// `${` without its `}`.
        case unterminatedBrace
        /// `${…}` that names nothing dbtsh knows how to expand.
        case badReference(String)
        /// An operator where it cannot go, with what to do instead.
        case misplaced(String)

        public var description: String {
            switch self {
            case .unterminatedQuote(let quote):
                return "unterminated \(quote) quote: close it, or escape it with a backslash"
            case .unterminatedBrace:
                return "unterminated ${: close it with }, or write \\$ for a literal $"
            case .badReference(let text):
                return "bad variable ${\(text)}: use ${NAME}, ${1}, ${env:NAME} (or \\$ for a literal $)"
            case .misplaced(let message):
                return message
            }
        }
    }

    public enum Outcome: Equatable, Sendable {
        /// Complete commands; empty commands are dropped.
        case commands([Command])
        /// The line ends with a backslash: read another line and lex them joined.
        case needsContinuation
    }

    /// One command with where its standard output goes.
    public struct Command: Equatable, Sendable {
        public var words: [Word]
        public var output: Output?

        public init(_ words: [Word], output: Output? = nil) {
            self.words = words
            self.output = output
        }
    }

    public enum Output: Equatable, Sendable {
        /// `| SYSTEM COMMAND`: the text after `|` up to an unquoted `;`, as typed (for /bin/sh).
        case pipe(String)
        /// `> FILE` or `>> FILE`.
        case file(Word, append: Bool)
    }

    /// What a `$` or a leading `~` refers to.
    public enum Reference: Equatable, Sendable, CustomStringConvertible {
        /// `$?`: the status of the last command.
        case status
        /// `$0` (the script), `$1`…`$9`, `${10}`.
        case argument(Int)
        /// `$@`: every argument, one word each.
        case allArguments
        /// `$#`: how many arguments.
        case argumentCount
        /// `$NAME`, `${NAME}`: a context level (`job`, `run`, …) or a variable set with `let`.
        case variable(String)
        /// `${env:NAME}`: an environment variable.
        case environment(String)
        /// `~` at the start of an unquoted word: the home directory.
        case home

        /// As it is written.
        public var description: String {
            switch self {
            case .status: "$?"
            case .argument(let number): number < 10 ? "$\(number)" : "${\(number)}"
            case .allArguments: "$@"
            case .argumentCount: "$#"
            case .variable(let name): "${\(name)}"
            case .environment(let name): "${env:\(name)}"
            case .home: "~"
            }
        }
    }

    public enum Part: Equatable, Sendable {
        case literal(String)
        case reference(Reference)
    }

    public struct Word: Equatable, Sendable, CustomStringConvertible {
        /// Literal text and references, adjacent literals merged, no empty literal.
        public private(set) var parts: [Part]
        /// True when any part of the word was quoted or escaped, so `"#"` or `""` stay words.
        public var wasQuoted: Bool

        public init(_ text: String, wasQuoted: Bool = false) {
            self.init(parts: [.literal(text)], wasQuoted: wasQuoted)
        }

        public init(parts: [Part], wasQuoted: Bool = false) {
            self.parts = []
            self.wasQuoted = wasQuoted
            for part in parts { append(part) }
        }

        mutating func append(_ part: Part) {
            switch part {
            case .literal(let text):
                guard !text.isEmpty else { return }
                if case .literal(let previous)? = parts.last {
                    parts[parts.count - 1] = .literal(previous + text)
                } else {
                    parts.append(part)
                }
            case .reference:
                parts.append(part)
            }
        }

        /// The word without its quotes, references as written (`${job}`): what completion,
        /// history and error messages show before expansion.
        public var text: String {
            parts.map { part in
                switch part {
                case .literal(let text): text
                case .reference(let reference): reference.description
                }
            }.joined()
        }

        /// The references in the word.
        public var references: [Reference] {
            parts.compactMap { if case .reference(let reference) = $0 { reference } else { nil } }
        }

        public var description: String { text }
    }

    /// What the lexer saw up to the end of a partial line, for completion.
    public struct Partial: Equatable, Sendable {
        public enum Place: Equatable, Sendable {
            /// In a dbtsh command's words.
            case command
            /// After `|`: a system command, not dbtsh's.
            case systemCommand
            /// After `>` or `>>`: a file name.
            case redirectTarget
        }

        /// Words of the command the cursor is in, before the word being typed.
        public var precedingWords: [String]
        /// The (unquoted) text of the word being typed; empty after a space.
        public var currentWord: String
        /// The raw characters of the word being typed, as they appear in the line.
        public var currentWordRaw: String
        public var openQuote: Character?
        public var place: Place = .command
    }

    public init() {}

    /// Whether `text` can name a variable: letters, digits and `_`, not starting with a digit.
    public static func isName(_ text: String) -> Bool { Scanner.isName(text) }

    public func lex(_ line: String) throws(Failure) -> Outcome {
        var scanner = Scanner(line)
        let commands = scanner.run()
        if let quote = scanner.openQuote { throw .unterminatedQuote(Character(quote)) }
        if scanner.endsWithContinuation { return .needsContinuation }
        if let failure = scanner.failure { throw failure }
        return .commands(commands)
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
        _ = scanner.run()
        var words = scanner.lastCommandWords.map(\.text)
        var current = ""
        var raw = ""
        if scanner.lastWordIsOpen {
            if scanner.place == .redirectTarget {
                current = scanner.lastRedirectTarget?.text ?? ""
            } else if !words.isEmpty {
                current = words.removeLast()
            }
            raw = String(String.UnicodeScalarView(scanner.scalars[scanner.lastWordStart...]))
        }
        return Partial(precedingWords: words, currentWord: current, currentWordRaw: raw,
                       openQuote: scanner.openQuote.map(Character.init), place: scanner.place)
    }
}

/// The lexer's state machine over the line's Unicode scalars.
private struct Scanner {
    let scalars: [Unicode.Scalar]
    var index = 0
    var openQuote: Unicode.Scalar?
    var endsWithContinuation = false
    var failure: Lexer.Failure?
    /// For completion: the words of the command being typed, whether its last word is still
    /// open and where that word started (a scalar offset), and what the cursor is in.
    var lastCommandWords: [Lexer.Word] = []
    var lastRedirectTarget: Lexer.Word?
    var lastWordIsOpen = false
    var lastWordStart = 0
    var place: Lexer.Partial.Place = .command
    /// Whether the text ended inside a word (before a trailing continuation backslash).
    var endedInWord = false

    // The command being built.
    private var commands: [Lexer.Command] = []
    private var words: [Lexer.Word] = []
    private var word = Lexer.Word(parts: [])
    private var literal = ""
    private var inWord: Bool
    private var wordStart = 0
    private var redirect: (append: Bool, target: Lexer.Word?)?
    private var pipeStart: Int?

    init(_ text: String, startsInWord: Bool = false) {
        scalars = Array(text.unicodeScalars)
        inWord = startsInWord
    }

    mutating func run() -> [Lexer.Command] {
        while index < scalars.count {
            let c = scalars[index]
            if openQuote != nil {
                if pipeStart != nil { skipQuoted(c) } else { scanQuoted(c) }
                continue
            }
            if pipeStart != nil {
                scanSystemCommand(c)
                continue
            }
            switch c {
            case " ", "\t", "\n", "\r":
                finishWord()
                index += 1
            case ";":
                finishWord()
                finishCommand()
                index += 1
            case "#" where !inWord:
                index = scalars.count
            case "'", "\"":
                startWord()
                word.wasQuoted = true
                openQuote = c
                index += 1
            case "\\":
                if index + 1 == scalars.count {
                    endsWithContinuation = true
                    index += 1
                    continue
                }
                startWord()
                word.wasQuoted = true
                literal.unicodeScalars.append(scalars[index + 1])
                index += 2
            case "$":
                startWord()
                scanReference()
            case "~" where !inWord && (index + 1 == scalars.count || Self.endsTilde(scalars[index + 1])):
                startWord()
                flushLiteral()
                word.append(.reference(.home))
                index += 1
            case "|":
                scanPipe()
            case ">":
                scanRedirect()
            case "<":
                fail("input redirection (<) is not dbtsh syntax: commands that read input take a file, or - for standard input")
                appendToWord(c)
            case "&" where index + 1 < scalars.count && scalars[index + 1] == "&":
                fail("'&&' is not dbtsh syntax: separate commands with ';' (a script stops at the first failure; see $? and 'set errexit')")
                appendToWord(c)
            default:
                appendToWord(c)
            }
        }
        endedInWord = inWord
        lastWordIsOpen = inWord
        if inWord { lastWordStart = wordStart }
        if let start = pipeStart {
            let text = Self.trimmed(scalars[start..<scalars.count])
            finishPipe(text, atEnd: true)
        }
        finishWord()
        finishCommand(atEnd: true)
        return commands
    }

    // MARK: Words

    private mutating func startWord() {
        if !inWord {
            inWord = true
            wordStart = index
        }
    }

    private mutating func appendToWord(_ c: Unicode.Scalar) {
        startWord()
        literal.unicodeScalars.append(c)
        index += 1
    }

    private mutating func flushLiteral() {
        word.append(.literal(literal))
        literal = ""
    }

    private mutating func finishWord() {
        guard inWord else { return }
        flushLiteral()
        let finished = word
        word = Lexer.Word(parts: [])
        inWord = false
        if var pending = redirect {
            if pending.target == nil {
                pending.target = finished
                redirect = pending
            } else {
                fail("> takes one file name: quote a name with spaces, and put the redirection last")
            }
            return
        }
        words.append(finished)
    }

    private mutating func finishCommand(atEnd: Bool = false) {
        var output: Lexer.Output?
        if let pending = redirect {
            if let target = pending.target {
                output = .file(target, append: pending.append)
            } else {
                fail("\(pending.append ? ">>" : ">") needs a file name after it")
            }
        }
        if atEnd {
            lastCommandWords = words
            lastRedirectTarget = redirect?.target
        }
        if !words.isEmpty {
            commands.append(Lexer.Command(words, output: output))
        } else if output != nil {
            fail("a redirection needs a command before it")
        }
        words = []
        redirect = nil
        if !atEnd { place = .command }
    }

    // MARK: Quotes

    private mutating func scanQuoted(_ c: Unicode.Scalar) {
        if c == openQuote {
            openQuote = nil
            index += 1
        } else if openQuote == "\"", c == "\\", index + 1 < scalars.count, ["\"", "\\", "$", "`"].contains(scalars[index + 1]) {
            literal.unicodeScalars.append(scalars[index + 1])
            index += 2
        } else if openQuote == "\"", c == "$" {
            scanReference()
        } else {
            literal.unicodeScalars.append(c)
            index += 1
        }
    }

    /// Inside quotes in a system command: only where the quote ends matters.
    private mutating func skipQuoted(_ c: Unicode.Scalar) {
        if c == openQuote {
            openQuote = nil
        } else if openQuote == "\"", c == "\\", index + 1 < scalars.count {
            index += 1
        }
        index += 1
    }

    // MARK: References

    /// At a `$`: a reference, or a literal `$` when nothing nameable follows.
    private mutating func scanReference() {
        guard index + 1 < scalars.count else {
            literal.append("$")
            index += 1
            return
        }
        let next = scalars[index + 1]
        var reference: Lexer.Reference?
        var length = 2
        switch next {
        case "?": reference = .status
        case "@": reference = .allArguments
        case "#": reference = .argumentCount
        case "0"..."9": reference = .argument(Int(next.value - 48))
        case "{":
            let searched = scalars[(index + 2)..<min(scalars.count, index + 2 + Self.longestBraced)]
            guard let close = searched.firstIndex(of: "}") else {
                fail(.unterminatedBrace)
                literal.append("$")
                index += 1
                return
            }
            let inside = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
            length = close - index + 1
            reference = Self.braced(inside)
            if reference == nil {
                fail(.badReference(String(inside.prefix(40))))
                literal.append("$")
                index += 1
                return
            }
        default:
            if Self.startsName(next) {
                var end = index + 2
                while end < scalars.count, Self.continuesName(scalars[end]) { end += 1 }
                reference = .variable(String(String.UnicodeScalarView(scalars[(index + 1)..<end])))
                length = end - index
            }
        }
        guard let reference else {
            literal.append("$")
            index += 1
            return
        }
        flushLiteral()
        word.append(.reference(reference))
        index += length
    }

    /// How far `${` looks for its `}`: a long line of `${` stays linear.
    private static let longestBraced = 256

    private static func braced(_ inside: String) -> Lexer.Reference? {
        if inside.hasPrefix("env:") {
            let name = String(inside.dropFirst(4))
            return isName(name) ? .environment(name) : nil
        }
        if !inside.isEmpty, inside.count <= 4, inside.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }), let number = Int(inside) {
            return .argument(number)
        }
        if inside == "?" { return .status }
        if inside == "@" { return .allArguments }
        if inside == "#" { return .argumentCount }
        return isName(inside) ? .variable(inside) : nil
    }

    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, startsName(first) else { return false }
        return text.unicodeScalars.allSatisfy(continuesName)
    }

    private static func startsName(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_"
    }

    private static func continuesName(_ c: Unicode.Scalar) -> Bool {
        startsName(c) || ("0"..."9").contains(c)
    }

    /// What may follow a `~` that means the home directory.
    private static func endsTilde(_ c: Unicode.Scalar) -> Bool {
        [" ", "\t", "\n", "\r", "/", ";", "|", ">"].contains(c)
    }

    // MARK: Pipes and redirections

    private mutating func scanPipe() {
        if index + 1 < scalars.count, scalars[index + 1] == "|" {
            fail("'||' is not dbtsh syntax: to run a command after a failure, 'set errexit off' and test $?")
        }
        if redirect != nil {
            fail("a command has either > FILE or | COMMAND, not both (the system command can redirect: | sort > FILE)")
        }
        finishWord()
        if words.isEmpty { fail("| needs a dbtsh command before it") }
        index += 1
        pipeStart = index
        place = .systemCommand
        lastWordIsOpen = false
    }

    private mutating func scanRedirect() {
        if inWord, word.parts.isEmpty, !word.wasQuoted, !literal.isEmpty,
           literal.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || $0 == "&" }) {
            fail("only standard output can be redirected: errors stay on stderr (redirect dbtsh's own: dbtsh … 2> FILE)")
        }
        finishWord()
        let append = index + 1 < scalars.count && scalars[index + 1] == ">"
        if redirect != nil { fail("a command has one redirection") }
        redirect = (append, nil)
        index += append ? 2 : 1
        place = .redirectTarget
    }

    /// After `|`: the system command runs to an unquoted `;` or a comment, kept as typed.
    private mutating func scanSystemCommand(_ c: Unicode.Scalar) {
        guard let start = pipeStart else { return }
        switch c {
        case "'", "\"":
            openQuote = c
            index += 1
        case "\\":
            if index + 1 == scalars.count {
                endsWithContinuation = true
                let text = Self.trimmed(scalars[start..<index])
                index += 1
                finishPipe(text, atEnd: false)
                return
            }
            index += 2
        case ";":
            finishPipe(Self.trimmed(scalars[start..<index]), atEnd: false)
            finishCommand()
            index += 1
        case "#" where index == start || [" ", "\t", "\n", "\r"].contains(scalars[index - 1]):
            finishPipe(Self.trimmed(scalars[start..<index]), atEnd: false)
            index = scalars.count
        default:
            index += 1
        }
    }

    /// Attaches the system command to the command before `|`.
    private mutating func finishPipe(_ text: String, atEnd: Bool) {
        pipeStart = nil
        if text.isEmpty, !endsWithContinuation {
            fail("nothing after |: name a system command (runs --json | jq '.[0].id')")
        }
        redirect = nil
        if atEnd || index >= scalars.count { lastCommandWords = words }
        if !words.isEmpty {
            commands.append(Lexer.Command(words, output: .pipe(text)))
        }
        words = []
    }

    private static func trimmed(_ slice: ArraySlice<Unicode.Scalar>) -> String {
        var slice = slice
        let blank: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r"]
        while let first = slice.first, blank.contains(first) { slice.removeFirst() }
        while let last = slice.last, blank.contains(last) { slice.removeLast() }
        return String(String.UnicodeScalarView(slice))
    }

    // MARK: Failures

    private mutating func fail(_ message: String) {
        fail(.misplaced(message))
    }

    private mutating func fail(_ failure: Lexer.Failure) {
        if self.failure == nil { self.failure = failure }
    }
}
