import Foundation
import Shell
import Synchronization
import TestSupport
import Testing

// Property-based, seeded and bounded fuzzing of the lexer, the interpreter (standard registry,
// a session with NO client: nothing touches the network) and the completer. Every property
// runs a fixed number of random cases from a fixed seed, so a failure reproduces exactly; the
// failing input is printed (debugDescription) with its case number.

// MARK: - Deterministic randomness

/// SplitMix64 from TestSupport: the same sequence on every platform for a seed.
typealias FuzzRandom = SeededRandom

// MARK: - Generators

enum FuzzInput {
    /// Characters of plain text: no combining marks and no `\r\n` pair (the wild alphabet has them).
    static let plainAlphabet: [Character] = Array("abcxyzABC019_-./:=@%+,~^*?![]{}()<>|&") + [
        " ", "\t", "\n", "\r", "'", "\"", "\\", ";", "#", "$", "`", "é", "ß", "日", "本", "😀", "👩‍💻", "\u{0}", "\u{1}", "\u{7F}",
        "\u{1B}", "\u{FFFD}", "\u{FEFF}", "\u{202E}", "\u{200B}", "\u{10FFFF}", "Ω", "ﬁ",
    ]

    /// The plain alphabet plus what a hostile terminal can send: combining marks, CRLF, ZWJ.
    static let wildAlphabet: [Character] = plainAlphabet + ["\u{301}", "\r\n", "\u{200D}", "\u{FE0F}", "e\u{301}"]

    static func text(_ random: inout FuzzRandom, alphabet: [Character], maxLength: Int) -> String {
        let length = random.int(0...maxLength)
        var text = ""
        for _ in 0..<length { text.append(random.pick(alphabet)) }
        return text
    }

    /// Arbitrary bytes read the way the line reader reads them (invalid UTF-8 becomes U+FFFD).
    static func bytes(_ random: inout FuzzRandom, maxLength: Int) -> String {
        let count = random.int(0...maxLength)
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static let verbs = [
        "accounts", "projects", "environments", "connections", "repositories", "users", "webhooks", "jobs", "runs", "show",
        "use", "unuse", "context", "run", "wait", "cancel", "retry", "steps", "logs", "artifacts", "artifacts get", "failures",
        "sql", "diff", "catalog show", "catalog search", "catalog browse", "job export", "job import", "job create",
        "job update", "job delete", "api", "query", "set", "history", "help", "hlep", "jbos", "catalog", "job", "artifact",
        "watch --count 2 --interval 1ms", "let", "unset", "echo", "unalias", "login", "job get", "run list", "run get",
    ]
    static let flags = [
        "--help", "--json", "--output", "--output=json", "--output=yaml", "--job", "--project", "--environment", "--name",
        "--status", "--limit", "--all", "--wait", "-w", "--timeout", "--interval", "--step", "--run", "-o", "--output-path",
        "--failed", "--debug", "--tail", "--file", "--set", "--yes", "-y", "--data", "--var", "--cause", "--steps",
        "--threads", "--git-branch", "--no-such-flag", "--", "---", "-", "-x", "--=", "--job=", "--limit=-1",
    ]
    static let arguments = [
        "0", "1", "-1", "43", "100", "202", "43167", "902", "99999999999999999999999", "1e9", "0x10", "1.5", "NaN",
        "latest", "last-failed", "account", "project", "environment", "job", "run", "json", "table", "on", "off",
        "1s", "0s", "500ms", "-5s", "999999h", "GET", "POST", "DELETE", "/api/v2/accounts/{account}/", "{job}", "{nope}",
        "run_results.json", "manifest.json", "../x", "/abs", "~/x", "a=b", "=", "a==b", "''", "\"\"", "'unterminated",
        "\"unterminated", "x\\", "\\;", "\\#", "'#'", "é", "日本", "\u{0}", "\u{1B}[31m", "no/such/file.json",
        // The language: references, operators (file redirections only to /dev/null: see `writesFile`).
        "$?", "$1", "$@", "$#", "$0", "${job}", "$run", "${env:HOME}", "${env:NO_SUCH}", "${nope}", "${", "${bad name}", "$",
        "\"$?$@\"", "'$1'", "\\$x", "~", "~/x", "| cat", "|", "||", "| sort | head -1", "> /dev/null", ">>/dev/null", "2>",
        "&&", "<", "&", "--job-id", "--run-id=5", "--account-id",
    ]

    /// A line of shell input: verbs, flags, arguments, separators, comments, escapes and junk.
    static func commandLine(_ random: inout FuzzRandom) -> String {
        var parts: [String] = []
        for _ in 0..<random.int(1...4) {
            if random.chance(0.9) { parts.append(random.pick(verbs)) }
            for _ in 0..<random.int(0...5) {
                switch random.int(0...9) {
                case 0...2: parts.append(random.pick(flags))
                case 3...6: parts.append(random.pick(arguments))
                case 7: parts.append(text(&random, alphabet: wildAlphabet, maxLength: 12))
                case 8: parts.append(bytes(&random, maxLength: 8))
                default: parts.append(random.pick(["#", "\\", "'", "\"", ";", "\\\\", "'\\''", "# comment", "\t"]))
                }
            }
            parts.append(random.pick([";", " ; ", ";;", "\t;"]))
        }
        parts.removeLast()
        var line = parts.joined(separator: random.chance(0.8) ? " " : random.pick(["  ", "\t", ""]))
        if random.chance(0.05) { line += "\\" }
        if random.chance(0.03) { line += String(repeating: random.pick(["a", "'", "\\", ";", " ", "é", "--x "]), count: random.int(1_000...20_000)) }
        return line
    }

    /// Every word quoted in single quotes (`'` as `'\''`): the shell-escaping a script generator would use.
    static func singleQuoted(_ words: [String]) -> String {
        words.map { word in
            var out = "'"
            for scalar in word.unicodeScalars {
                if scalar == "'" { out += "'\\''" } else { out.unicodeScalars.append(scalar) }
            }
            return out + "'"
        }.joined(separator: " ")
    }

    /// Every word in double quotes, with `"`, `\`, `$` and backquote escaped.
    static func doubleQuoted(_ words: [String]) -> String {
        words.map { word in
            var out = "\""
            for c in word.unicodeScalars {
                if c == "\"" || c == "\\" || c == "$" || c == "`" { out.append("\\") }
                out.unicodeScalars.append(c)
            }
            return out + "\""
        }.joined(separator: " ")
    }

    /// Every character (Unicode scalar) of every word escaped with a backslash (empty words as '').
    static func backslashed(_ words: [String]) -> String {
        words.map { word in word.isEmpty ? "''" : word.unicodeScalars.map { "\\\($0)" }.joined() }.joined(separator: " ")
    }
}

/// Nasty inputs found by hand or by earlier runs; every property also runs these.
enum FuzzCorpus {
    static let lines: [String] = [
        "", " ", "\t", ";", ";;;;", " ; ; ", "#", "# only a comment", "\\", "\\\\", "'", "\"", "''", "\"\"", "'\\''",
        "\"\\\"\"", "\"\\\\\"", "'\"'", "\"'\"", "jobs \\", "help\\", "help \\\\", "help '\\", "help \"\\", "help ''\\",
        "\u{0}", "jobs\u{0}", "\u{0}jobs", "\u{1B}[2J\u{1B}[H", "\u{7}", "\u{FEFF}jobs", "jobs\u{FEFF}", "\u{202E}sboj",
        "jobs\r", "jobs\r\nprojects", "\r\n", "\r", "\n", "help\nhelp", "--", "--help", "-", "- -", "-- --", "-h",
        "help --help --help", "help help help", "help -- help", "help ''", "help '' ''", "help \"\"", "help \u{0}",
        "set", "set output", "set output json json", "set output ''", "set interval 0", "set interval -1s",
        "set interval 0.0000001s", "set interval 99999999999999999999h", "set color maybe", "set errexit", "set nope on",
        "use", "use ''", "use job", "use job ''", "use job 1e9", "use job -1", "use job 99999999999999999999999",
        "use run last-failed", "use run latest", "use account 0", "use nothing 1", "unuse", "unuse run", "unuse nothing",
        "context", "context --output yaml", "context --json --json", "runs --limit 99999999999999999999999",
        "runs --limit -1", "runs --limit", "runs --status", "runs --status nope", "runs --all --all",
        "run --wait --timeout -1s", "run --steps", "run --steps ''", "run --steps 'rm -rf /'", "run --threads x",
        "wait --interval 0", "wait --timeout 0s", "wait --interval", "cancel cancel", "retry -- 1", "steps x",
        "logs --tail -5", "logs --tail 99999999999999999999", "logs 0", "logs -1", "artifacts get", "artifacts get ''",
        "artifacts get /", "artifacts get ../../etc/passwd", "artifacts get . -o -", "artifacts --step -1",
        "catalog", "catalog browse", "catalog show", "catalog show x --file /nonexistent/catalog.json",
        "catalog search '' --file /nonexistent", "sql", "sql ''", "diff", "diff 1 2 3 4", "failures x y",
        "api", "api GET", "api DELETE /", "api GET /x --data '{'", "api get '{account}{account}{account}'",
        "api GET /api/v2/accounts/{", "query", "query /nonexistent.graphql --var", "query x --var =1", "query x --var a",
        "job", "job update --set", "job update --set =", "job update --set a=b=c", "job delete", "job delete --yes x",
        "job export -o", "job import", "job create --file", "history", "history -1", "history 99999999999999999999",
        "exit abc", "exit -1", "exit 256", "exit 999999999999999", "exit 1 2",
        "hlep", "HELP", "Help", "jobs;hlep;jobs", "help;;help", "help#x", "help #x", "help '#'", "help \\#", "help ';'",
        "help \\;", "help a\\ b", "help 'a'\"b\"c", "help \"$HOME\" `x`", "help \\\u{301}", "help '\u{301}'", "'\u{301}'",
        "help \u{301}", " \u{301}", "help 👩‍💻", "help \u{10FFFF}", "help \u{D7FF}\u{E000}",
        String(repeating: "a", count: 30_000), "help " + String(repeating: "a", count: 30_000),
        String(repeating: "'", count: 10_001), String(repeating: "'", count: 10_000), String(repeating: "\\", count: 9_999),
        String(repeating: "\"", count: 5_001), String(repeating: ";", count: 30_000), String(repeating: "help ", count: 2_000),
        String(repeating: "--x ", count: 10_000), "help " + String(repeating: "é\u{301}", count: 10_000),
        String(repeating: "\u{301}", count: 10_000), String(repeating: "\u{1B}[", count: 5_000),
        String(decoding: [0xFF, 0xFE, 0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80] as [UInt8], as: UTF8.self),
        "help " + String(decoding: [0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1] as [UInt8], as: UTF8.self),
        "use job " + String(decoding: [0xF0, 0x28, 0x8C, 0xBC] as [UInt8], as: UTF8.self),
    ]
}

// MARK: - Running with a time bound

/// A session without an API client, on a capturing console.
struct OfflineShell {
    let console = CapturingConsole()
    let session: Session
    let interpreter: Interpreter

    init(interactive: Bool = false, context: ShellContext = ShellContext()) {
        session = Session(console: Console(console), interactive: interactive, context: context, services: Services())
        interpreter = Interpreter(session: session)
    }
}

enum Bounded {
    /// `operation`'s result, or nil when it did not finish within `seconds` (it is then left running:
    /// a hang must fail the test, not hang it).
    static func run<T: Sendable>(seconds: Double, _ operation: @escaping @Sendable () async -> T) async -> T? {
        let once = Once()
        return await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            Task {
                let value = await operation()
                if once.claim() { continuation.resume(returning: value) }
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                if once.claim() { continuation.resume(returning: nil) }
            }
        }
    }

    final class Once: Sendable {
        private let done = Mutex(false)
        /// True for the first caller only.
        func claim() -> Bool { done.withLock { done in defer { done = true }; return !done } }
    }
}

/// Words of a lexed line, or nil for a lexing failure or a continuation.
func lexedWords(_ line: String) -> [[String]]? {
    guard case .commands(let commands)? = try? Lexer().lex(line) else { return nil }
    return commands.map { $0.words.map(\.text) }
}

// MARK: - Lexer properties

@Suite("fuzz: lexer", .timeLimit(.minutes(5)))
struct LexerFuzzTests {
    static let cases = 2_000

    @Test("lex and partial never crash, and fail only on an unterminated quote")
    func neverCrashes() {
        var random = FuzzRandom(seed: 0x1E_7E5)
        var inputs = FuzzCorpus.lines + [String(repeating: "a'b\\c\"d;e#f ", count: 20_000), String(repeating: "x", count: 200_000)]
        for index in 0..<Self.cases {
            switch index % 3 {
            case 0: inputs.append(FuzzInput.text(&random, alphabet: FuzzInput.wildAlphabet, maxLength: 60))
            case 1: inputs.append(FuzzInput.bytes(&random, maxLength: 60))
            default: inputs.append(FuzzInput.commandLine(&random))
            }
        }
        for (index, line) in inputs.enumerated() {
            do {
                switch try Lexer().lex(line) {
                case .commands(let commands):
                    #expect(commands.allSatisfy { !$0.words.isEmpty }, "case \(index): an empty command survived: \(line.debugDescription)")
                case .needsContinuation:
                    #expect(line.hasSuffix("\\"), "case \(index): continuation without a trailing backslash: \(line.debugDescription)")
                }
            } catch {
                #expect(Self.explains(error, line), "case \(index): \(error) for \(line.debugDescription)")
            }
            // Every prefix (on character boundaries) is a line being typed.
            let characters = Array(line)
            for cut in Set([0, characters.count / 3, characters.count / 2, characters.count]) where characters.count < 500 || cut == characters.count {
                let prefix = String(characters[0..<cut])
                let partial = Lexer().partial(prefix)
                #expect(prefix.unicodeScalars.reversed().starts(with: partial.currentWordRaw.unicodeScalars.reversed()),
                        "case \(index): the raw current word is not the end of the text: \(prefix.debugDescription) → \(partial)")
            }
        }
    }

    /// A lexing failure names something the line has: a quote, `${`, or an operator.
    static func explains(_ failure: Lexer.Failure, _ line: String) -> Bool {
        let scalars = Array(line.unicodeScalars)
        switch failure {
        case .unterminatedQuote(let quote): return scalars.contains { quote.unicodeScalars.contains($0) }
        case .unterminatedBrace, .badReference: return zip(scalars, scalars.dropFirst()).contains { $0 == "$" && $1 == "{" }
        case .misplaced: return scalars.contains { "|><&".unicodeScalars.contains($0) }
        }
    }

    static func randomWords(_ random: inout FuzzRandom, alphabet: [Character]) -> [String] {
        (0..<random.int(1...6)).map { _ in FuzzInput.text(&random, alphabet: alphabet, maxLength: 10) }
    }

    @Test("words quoted in single quotes ('\\'' for ') lex back to the same words")
    func singleQuoteRoundTrip() {
        var random = FuzzRandom(seed: 0x5_1461E)
        for index in 0..<Self.cases {
            let words = Self.randomWords(&random, alphabet: FuzzInput.wildAlphabet)
            let line = FuzzInput.singleQuoted(words)
            #expect(lexedWords(line) == [words], "case \(index): \(words.debugDescription) as \(line.debugDescription)")
        }
    }

    @Test("words in double quotes (\\\" \\\\ \\$ \\` escaped) lex back to the same words")
    func doubleQuoteRoundTrip() {
        var random = FuzzRandom(seed: 0xD0_0B1E)
        for index in 0..<Self.cases {
            let words = Self.randomWords(&random, alphabet: FuzzInput.wildAlphabet)
            let line = FuzzInput.doubleQuoted(words)
            #expect(lexedWords(line) == [words], "case \(index): \(words.debugDescription) as \(line.debugDescription)")
        }
    }

    @Test("words with every character backslash-escaped lex back to the same words")
    func backslashRoundTrip() {
        var random = FuzzRandom(seed: 0xBAC_C5)
        for index in 0..<Self.cases {
            let words = Self.randomWords(&random, alphabet: FuzzInput.wildAlphabet)
            let line = FuzzInput.backslashed(words)
            #expect(lexedWords(line) == [words], "case \(index): \(words.debugDescription) as \(line.debugDescription)")
        }
    }

    @Test("quoted commands joined with ; lex to the same commands; a # comment after them changes nothing")
    func commandsAndComments() {
        var random = FuzzRandom(seed: 0xC0_33E7)
        for index in 0..<Self.cases {
            let commands = (0..<random.int(1...4)).map { _ in Self.randomWords(&random, alphabet: FuzzInput.plainAlphabet) }
            let line = commands.map(FuzzInput.singleQuoted).joined(separator: random.pick([";", " ; ", " ;", "; "]))
            let comment = " # " + FuzzInput.text(&random, alphabet: FuzzInput.plainAlphabet, maxLength: 20)
            #expect(lexedWords(line) == commands, "case \(index): \(line.debugDescription)")
            #expect(lexedWords(line + comment) == commands, "case \(index): \((line + comment).debugDescription)")
        }
    }

    @Test("unquoted text splits like split-on-; then split-on-whitespace")
    func unquotedSplitting() {
        let alphabet: [Character] = Array("abcXYZ019-_./=:@é日😀") + [" ", " ", "\t", ";", "\n"]
        var random = FuzzRandom(seed: 0x5B_117)
        for index in 0..<Self.cases {
            let line = FuzzInput.text(&random, alphabet: alphabet, maxLength: 40)
            let expected = line.split(separator: ";", omittingEmptySubsequences: false)
                .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init) }
                .filter { !$0.isEmpty }
            #expect(lexedWords(line) == expected, "case \(index): \(line.debugDescription)")
        }
    }

    @Test("partial: the words before the cursor are the lexed words; after a space the current word is empty")
    func partialAgreesWithLex() {
        var random = FuzzRandom(seed: 0x9A_271A1)
        for index in 0..<Self.cases {
            let words = Self.randomWords(&random, alphabet: FuzzInput.plainAlphabet).filter { !$0.isEmpty }
            guard !words.isEmpty else { continue }
            let line = FuzzInput.singleQuoted(words)
            let partial = Lexer().partial(line)
            #expect(partial.precedingWords + [partial.currentWord] == words, "case \(index): \(line.debugDescription) → \(partial)")
            #expect(partial.openQuote == nil)
            let spaced = Lexer().partial(line + " ")
            #expect(spaced.precedingWords == words && spaced.currentWord.isEmpty && spaced.currentWordRaw.isEmpty,
                    "case \(index): \((line + " ").debugDescription) → \(spaced)")
            // Cut inside the last word's quotes: the quote is open and the word is what was typed so far.
            let open = String(line.dropLast())
            let inside = Lexer().partial(open)
            #expect(inside.openQuote == "'", "case \(index): \(open.debugDescription) → \(inside)")
        }
    }

    /// Swift's `Character` is a grapheme cluster: a combining mark (or ZWJ, or a variation
    /// selector) right after a quote, backslash, space or `;` fuses with it into one `Character`,
    /// and `\r\n` is one `Character`. The lexer reads Unicode scalars, as shells read bytes, so
    /// the quote stays a quote and CRLF stays whitespace.
    @Test("a combining mark or CRLF next to syntax does not change the lexing (grapheme fusion)", arguments: [
        (["\u{301}"], "'\u{301}'"),
        (["a", "\u{301}b"], "a '\u{301}b'"),
        (["x'\u{301}"], "'x'\\''\u{301}'"),
        (["\u{200D}"], "\\\u{200D}"),
        (["use", "job"], "use\r\njob"),
        (["help", "use"], "help\r\nuse"),
    ])
    func graphemeFusion(words: [String], line: String) {
        #expect(lexedWords(line) == [words], "\(line.debugDescription) → \(String(describing: lexedWords(line)))")
    }
}

// MARK: - Interpreter properties

@Suite("fuzz: interpreter without a client")
struct InterpreterFuzzTests {
    static let cases = 2_000
    static let perLineSeconds = 5.0

    struct Outcome: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var exitRequested: Bool
    }

    /// Lines that would make a command read the test process's stdin (`query -`, `job import -`,
    /// `job create --file -`) are skipped: reading stdin is their job.
    static func readsStandardInput(_ line: String) -> Bool {
        guard case .commands(let commands)? = try? Lexer().lex(line) else { return false }
        return commands.contains { $0.words.contains { $0.text == "-" } }
    }

    /// Lines that would write a file in the working directory (`help > x`) are skipped here
    /// (`/dev/null` is fine); `LanguageFuzzTests` writes into a scratch directory instead.
    static func writesFile(_ line: String) -> Bool {
        guard case .commands(let commands)? = try? Lexer().lex(line) else { return false }
        return commands.contains { command in
            guard case .file(let target, _)? = command.output else { return false }
            return target.parts != [.literal("/dev/null")]
        }
    }

    static func check(_ lines: [String], interactive: Bool, label: String) async {
        var shell = OfflineShell(interactive: interactive)
        var skipped = 0
        for (index, line) in lines.enumerated() {
            if Self.readsStandardInput(line) || Self.writesFile(line) {
                skipped += 1
                continue
            }
            let current = shell
            // Linear in the line's length: an unknown 30,000-character verb is compared with every
            // verb for did-you-mean, which takes seconds in a debug build.
            let bound = Self.perLineSeconds + Double(line.unicodeScalars.count) / 3_000
            let outcome = await Bounded.run(seconds: bound) { () async -> Outcome in
                current.console.reset()
                let status = await current.interpreter.execute(line)
                return Outcome(status: status, stdout: current.console.stdout, stderr: current.console.stderr,
                               exitRequested: current.session.exitRequest != nil)
            }
            guard let outcome else {
                Issue.record("\(label) case \(index): no answer within \(bound)s for \(line.prefix(300).debugDescription)")
                shell = OfflineShell(interactive: interactive)
                continue
            }
            let shown = line.count > 300 ? String(line.prefix(300)).debugDescription + "… (\(line.count) characters)" : line.debugDescription
            if outcome.exitRequested {
                #expect((0...255).contains(outcome.status), "\(label) case \(index): exit status \(outcome.status) for \(shown)")
                shell = OfflineShell(interactive: interactive)
                continue
            }
            // Without a client nothing can fail for the network or the API: success or usage.
            #expect([0, 2].contains(outcome.status), "\(label) case \(index): status \(outcome.status) for \(shown)\n\(outcome.stderr.prefix(500))")
            let errorLines = outcome.stderr.split(separator: "\n").filter { !$0.isEmpty }
            let commandCount = max(1, lexedWords(line)?.count ?? 1)
            #expect(errorLines.count <= (interactive ? commandCount + 2 : 3),
                    "\(label) case \(index): \(errorLines.count) stderr lines for \(shown):\n\(outcome.stderr.prefix(800))")
            if outcome.status != 0 {
                #expect(errorLines.contains { $0.hasPrefix("error: ") }, "\(label) case \(index): failed silently: \(shown)")
            }
            for marker in ["Fatal error", "Swift runtime failure", "Stack dump", "Backtrace"] {
                #expect(!outcome.stderr.contains(marker), "\(label) case \(index): \(marker) for \(shown)")
            }
            // The session leaves a sub-shell (catalog browse) only through its own commands; start afresh.
            if shell.session.subShell != nil { shell = OfflineShell(interactive: interactive) }
        }
        #expect(skipped < lines.count / 10, "\(label): skipped \(skipped) of \(lines.count)")
    }

    /// `set interval 99999999999999999999h` is accepted (DurationText.seconds gives 3.6e23), then
    /// `set` (the listing) traps in `DurationText.format` converting it to Int
    /// (Sources/Shell/Core/Settings.swift:103, "Double value cannot be converted to Int"); the same
    /// value as `wait --interval` would trap in `UInt64(options.interval * 1e9)` (RunWaiter.swift:56).
    @Test("a huge interval is refused or shown, never a crash")
    func knownCrashIntervalOverflow() async {
        let shell = OfflineShell()
        let status = await shell.interpreter.execute("set interval 99999999999999999999h; set")
        #expect([0, 2].contains(status))
    }

    @Test("the corpus: every line ends with 0 or 2, a few stderr lines, no crash or hang")
    func corpus() async {
        await Self.check(FuzzCorpus.lines, interactive: false, label: "corpus/script")
        await Self.check(FuzzCorpus.lines, interactive: true, label: "corpus/interactive")
    }

    @Test("random command lines (verbs, flags, quotes, ;, #, backslashes, junk)")
    func randomCommandLines() async {
        var random = FuzzRandom(seed: 0x1_4E7E)
        let lines = (0..<Self.cases).map { _ in FuzzInput.commandLine(&random) }
        await Self.check(lines, interactive: false, label: "commands")
    }

    @Test("random byte strings and random Unicode")
    func randomBytes() async {
        var random = FuzzRandom(seed: 0xB7_7E5)
        let lines = (0..<Self.cases).map { index in
            index.isMultiple(of: 2)
                ? FuzzInput.bytes(&random, maxLength: 80)
                : FuzzInput.text(&random, alphabet: FuzzInput.wildAlphabet, maxLength: 80)
        }
        await Self.check(lines, interactive: true, label: "bytes")
    }

    @Test("a verb followed by random words, for every verb")
    func everyVerbWithJunk() async {
        var random = FuzzRandom(seed: 0x7E_4B5)
        let lines = (0..<Self.cases).map { index -> String in
            let verb = FuzzInput.verbs[index % FuzzInput.verbs.count]
            let words = (0..<random.int(0...4)).map { _ in
                random.chance(0.5) ? random.pick(FuzzInput.flags + FuzzInput.arguments)
                    : FuzzInput.singleQuoted([FuzzInput.text(&random, alphabet: FuzzInput.wildAlphabet, maxLength: 8)])
            }
            return ([verb] + words).joined(separator: " ")
        }
        await Self.check(lines, interactive: false, label: "verbs")
    }
}

// MARK: - Completer properties

@Suite("fuzz: completer without a client")
struct CompleterFuzzTests {
    @Test("completion of random partial lines never crashes, answers in time, and replaces the end of the text")
    func randomPartialLines() async {
        var random = FuzzRandom(seed: 0xC0_4B1E7E)
        var inputs = FuzzCorpus.lines.filter { $0.count < 2_000 }
        for index in 0..<2_000 {
            let line = index.isMultiple(of: 4) ? FuzzInput.text(&random, alphabet: FuzzInput.wildAlphabet, maxLength: 30)
                : FuzzInput.commandLine(&random)
            let characters = Array(line.prefix(400))
            inputs.append(String(characters[0..<random.int(0...characters.count)]))
        }
        let withAccount: ShellContext = {
            var context = ShellContext()
            context.account = .init(id: 43, name: "Acme Analytics")
            return context
        }()
        let bare = OfflineShell()
        let scoped = OfflineShell(context: withAccount)
        for (index, text) in inputs.enumerated() {
            let shell = index.isMultiple(of: 5) ? scoped : bare
            // A hang detector, not a speed budget (those are dbtsh-bench's): an offline completion
            // answers in microseconds, so 30 s means it never would.
            let result = await Bounded.run(seconds: 30) { Completer(session: shell.session).complete(text) }
            guard let result else {
                Issue.record("case \(index): completion of \(text.debugDescription) did not answer within 30s")
                continue
            }
            #expect(text.unicodeScalars.reversed().starts(with: result.word.unicodeScalars.reversed()),
                    "case \(index): word \(result.word.debugDescription) is not the end of \(text.debugDescription)")
            #expect(result.items.count < 5_000, "case \(index): \(result.items.count) items for \(text.debugDescription)")
            #expect(result.items.allSatisfy { !$0.replacement.isEmpty }, "case \(index): an empty candidate for \(text.debugDescription)")
        }
    }

    @Test("an empty line completes to every verb; a verb prefix completes to verbs with that prefix")
    func verbsByPrefix() {
        let shell = OfflineShell()
        let completer = Completer(session: shell.session)
        let all = Set(completer.complete("").items.map(\.replacement))
        #expect(all.isSuperset(of: ["jobs", "runs", "help", "use"]), "\(all.sorted())")
        var random = FuzzRandom(seed: 0x7E4B)
        for _ in 0..<200 {
            let verb = random.pick(Array(all))
            let prefix = String(verb.prefix(random.int(0...verb.count)))
            let items = completer.complete(prefix).items.map(\.replacement)
            #expect(items.contains(verb), "\(prefix.debugDescription) does not offer \(verb)")
            #expect(items.allSatisfy { $0.hasPrefix(prefix) }, "\(prefix.debugDescription) → \(items)")
        }
    }
}

// MARK: - The language: pipes, redirections, expansion, aliases

@Suite("fuzz: the language (pipes, redirections, expansion, aliases)")
struct LanguageFuzzTests {
    static let cases = 1_000

    /// Plain text without control characters (which the console shows as ^X) but with every
    /// character the language gives a meaning to.
    static let valueAlphabet: [Character] = FuzzInput.wildAlphabet.filter { character in
        character == "\n" || character == "\t" || !character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    } + ["$", "{", "}", "?", "@", "#", "|", ">", "<", "&", ";", "~", "'", "\""]

    @Test("quoted words with a pipe or a redirection lex back to the same words, system command and file")
    func operatorRoundTrip() {
        var random = FuzzRandom(seed: 0x9_1BE5)
        for index in 0..<Self.cases {
            let words = LexerFuzzTests.randomWords(&random, alphabet: FuzzInput.wildAlphabet)
            var line = FuzzInput.singleQuoted(words)
            let expected: Lexer.Output
            switch random.int(0...2) {
            case 0:
                // What a system command holds, quoted for /bin/sh: passed on as typed.
                let system = "grep " + FuzzInput.singleQuoted([FuzzInput.text(&random, alphabet: FuzzInput.wildAlphabet, maxLength: 12)])
                    + random.pick(["", " | wc -l", " > out.txt", " | sort -r | head -1"])
                line += random.pick([" | ", "|", " |\t"]) + system + random.pick(["", " ", " # comment ; x"])
                expected = .pipe(system)
            default:
                let target = FuzzInput.text(&random, alphabet: FuzzInput.wildAlphabet, maxLength: 12)
                let append = random.chance(0.5)
                line += (append ? " >> " : random.pick([" > ", ">", " >"])) + FuzzInput.singleQuoted([target])
                expected = .file(Lexer.Word(target, wasQuoted: true), append: append)
            }
            guard case .commands(let commands)? = try? Lexer().lex(line) else {
                Issue.record("case \(index): \(line.debugDescription) did not lex")
                continue
            }
            #expect(commands.count == 1 && commands.first?.words.map(\.text) == words && commands.first?.output == expected,
                    "case \(index): \(line.debugDescription) → \(commands)")
        }
    }

    @Test("an expanded value is exactly the value, one word, whatever it holds")
    func expansionIsExact() async {
        var random = FuzzRandom(seed: 0xE_4BA4D)
        let shell = OfflineShell()
        _ = await shell.interpreter.execute("alias count 'echo $#'")
        for index in 0..<(Self.cases / 2) {
            let values = (0..<random.int(1...4)).map { _ in FuzzInput.text(&random, alphabet: Self.valueAlphabet, maxLength: 16) }
            shell.session.environment = ["VALUE": values[0]]
            shell.session.setScript(name: "fuzz", arguments: values)
            for (line, expected) in [("echo ${env:VALUE}", values[0]), ("echo \"$1\"", values[0]), ("echo $1", values[0]),
                                     ("let v $1; echo $v", values[0]),
                                     ("count $@", String(values.count)), ("count \"$@\"", String(values.count)),
                                     ("echo $1$#", values[0] + String(values.count))] {
                shell.console.reset()
                let status = await shell.interpreter.execute(line)
                #expect(status == 0 && shell.console.stdout == expected + "\n",
                        "case \(index): \(line) with \(values.debugDescription) → \(shell.console.stdout.debugDescription) \(shell.console.stderr)")
            }
        }
    }

    @Test("random aliases calling each other: bounded, no crash, 0 or 2")
    func randomAliases() async {
        var random = FuzzRandom(seed: 0xA_11A5)
        let names = ["a", "b", "c", "runs", "context", "help", "x-1"]
        let bodyWords = ["a", "b", "c", "runs", "context", "help", "x-1", "$1", "$@", "$#", "${job}", "--json", "--limit 2", ";",
                         "| cat", "> /dev/null", "watch --count 2 --interval 1ms", "echo", "let v", "$v", "exit $?", "alias a b"]
        var lines: [String] = []
        for _ in 0..<(Self.cases / 2) {
            if random.chance(0.4) {
                let body = (0..<random.int(1...5)).map { _ in random.pick(bodyWords) }.joined(separator: " ")
                lines.append("alias \(random.pick(names)) " + FuzzInput.singleQuoted([body]))
            } else {
                lines.append(([random.pick(names)] + (0..<random.int(0...3)).map { _ in random.pick(FuzzInput.arguments) }).joined(separator: " "))
            }
        }
        await InterpreterFuzzTests.check(lines, interactive: false, label: "aliases")
    }

    @Test("redirections into a scratch directory: the file is the output, or left as it was")
    func redirectionsIntoScratch() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var random = FuzzRandom(seed: 0x5C_4A7C)
        let shell = OfflineShell()
        for index in 0..<(Self.cases / 4) {
            let name = "f" + String(random.int(0...5))
            let path = scratch.path(name)
            let before = FileManager.default.contents(atPath: path)
            let text = FuzzInput.text(&random, alphabet: Self.valueAlphabet.filter { $0 != "\n" }, maxLength: 12)
            let fails = random.chance(0.3)
            let append = random.chance(0.3)
            let line = (fails ? "show job 1" : "echo " + FuzzInput.singleQuoted([text])) + (append ? " >> " : " > ") + FuzzInput.singleQuoted([path])
            _ = await shell.interpreter.execute(line)
            let after = FileManager.default.contents(atPath: path)
            switch (fails, append) {
            // `>>` creates the file, as it starts appending before the command runs.
            case (true, false): #expect(after == before, "case \(index): \(line.debugDescription)")
            case (true, true): #expect(after == (before ?? Data()), "case \(index): \(line.debugDescription)")
            case (false, false): #expect(after == Data((text + "\n").utf8), "case \(index): \(line.debugDescription)")
            case (false, true): #expect(after == (before ?? Data()) + Data((text + "\n").utf8), "case \(index): \(line.debugDescription)")
            }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
