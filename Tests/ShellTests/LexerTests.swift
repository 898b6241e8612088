import Foundation
import Sandbox
import Shell
import Testing

/// The lexer alone (SHELL.md §2): words, quotes, `;`, `#`, backslashes.
@Suite("Lexer")
struct LexerTests {
    func words(_ line: String) throws -> [[String]] {
        guard case .commands(let commands) = try Lexer().lex(line) else {
            Issue.record("'\(line)' asked for a continuation line")
            return []
        }
        return commands.map { $0.words.map(\.text) }
    }

    @Test func plainWords() throws {
        #expect(try words("use job 43167") == [["use", "job", "43167"]])
        #expect(try words("   runs\t--limit   5  ") == [["runs", "--limit", "5"]])
    }

    @Test func quotesKeepSpacesAndJoinAdjacentText() throws {
        #expect(try words("use job 'Nightly build'") == [["use", "job", "Nightly build"]])
        #expect(try words("use job \"Nightly build\"") == [["use", "job", "Nightly build"]])
        #expect(try words("a'b c'd") == [["ab cd"]])
        #expect(try words("say \"it's\" 'a \"b\"'") == [["say", "it's", "a \"b\""]])
    }

    @Test func emptyQuotesAreAWord() throws {
        let outcome = try Lexer().lex("jobs --name ''")
        #expect(outcome == .commands([Lexer.Command([Lexer.Word("jobs"), Lexer.Word("--name"), Lexer.Word("", wasQuoted: true)])]))
    }

    @Test func backslashEscapes() throws {
        #expect(try words(#"use job Nightly\ build"#) == [["use", "job", "Nightly build"]])
        #expect(try words(#"a \; b"#) == [["a", ";", "b"]])
        #expect(try words(##"a \# b"##) == [["a", "#", "b"]])
        #expect(try words(#""a\"b\\c""#) == [[#"a"b\c"#]])
        // Single quotes are literal: the backslash stays.
        #expect(try words(#"'a\b'"#) == [[#"a\b"#]])
    }

    @Test func semicolonsSeparateCommandsAndEmptyOnesAreDropped() throws {
        #expect(try words("context; set output json;runs") == [["context"], ["set", "output", "json"], ["runs"]])
        #expect(try words(";;  ;") == [])
        #expect(try words("use job 'a;b'") == [["use", "job", "a;b"]])
    }

    @Test func commentsStartAtAWordBoundary() throws {
        #expect(try words("context # what is set") == [["context"]])
        #expect(try words("# only a comment") == [])
        #expect(try words("jobs --name a#b") == [["jobs", "--name", "a#b"]])
        #expect(try words("jobs --name '#b'") == [["jobs", "--name", "#b"]])
        #expect(try words("context; # rest; ignored") == [["context"]])
    }

    @Test func trailingBackslashAsksForMore() throws {
        #expect(try Lexer().lex(#"runs --limit \"#) == .needsContinuation)
        #expect(try words(#"runs --limit \\"#) == [["runs", "--limit", #"\"#]])
    }

    @Test func unterminatedQuotesFail() {
        #expect(throws: Lexer.Failure.unterminatedQuote("'")) { try Lexer().lex("use job 'Nightly") }
        #expect(throws: Lexer.Failure.unterminatedQuote("\"")) { try Lexer().lex("use job \"Nightly") }
    }

    @Test func emptyLine() throws {
        #expect(try words("") == [])
        #expect(try words("   \t ") == [])
    }

    @Test func partialWordForCompletion() {
        let partial = Lexer().partial("use job 'Nightly b")
        #expect(partial.precedingWords == ["use", "job"])
        #expect(partial.currentWord == "Nightly b")
        #expect(partial.currentWordRaw == "'Nightly b")
        #expect(partial.openQuote == "'")
        let afterSpace = Lexer().partial("context; use job ")
        #expect(afterSpace.precedingWords == ["use", "job"])
        #expect(afterSpace.currentWord == "")
    }
}

/// The lexer as a user meets it: through the interpreter and the script driver.
@Suite("Lexing in scripts", .sandbox())
struct ScriptLexingTests {
    @Test func unterminatedQuoteIsOneLineUsageError() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use job 'Nightly build")
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(result.stderr.hasPrefix("error: unterminated ' quote"), "\(result)")
            #expect(shell.context.job == nil)
        }
    }

    @Test func semicolonsAndCommentsInAScript() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("""
            # a script with comments
            set output json; set interval 5s   # two settings
            set output ; set interval
            """)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["output: json", "interval: 5s"], "\(result)")
        }
    }

    @Test func quotedNameWithSpaces() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use job 'Nightly build'; context")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("job: 43167 (Nightly build)"), "\(result)")
            let escaped = await shell.run(#"use job Hourly\ refresh; context"#)
            #expect(escaped.stdout.contains("job: 43168 (Hourly refresh)"), "\(escaped)")
        }
    }

    @Test func backslashContinuesTheLine() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set \\\noutput \\\njson\nset output")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["output: json"], "\(result)")
        }
    }

    @Test func scriptEndingInContinuationIsAUsageError() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set output json \\")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("continuation"), "\(result)")
            #expect(shell.session.settings.output == .table, "the unfinished command must not run")
        }
    }

    @Test func windowsLineEndings() async throws {
        try await withShell { shell, _ in
            // Split into lines as dbtsh's ScriptLineReader splits `-c` text and script files.
            let plain = await shell.run("set interval 5s\r\nset output json # json please\r\nset output\r\n")
            let continued = await fixtureShell(shell).run("set output \\\r\njson\r\nset output\r\n")
            #expect(plain.status == 0, "\(plain)")
            #expect(plain.stdoutLines == ["output: json"], "a CR before the newline is whitespace: \(plain)")
            #expect(continued.status == 0, "\(continued)")
            #expect(continued.stdoutLines == ["output: json"], "\(continued)")
            // A lone CR at the end of a line (what PlainLineReader would leave) is whitespace.
            let lone = await shell.run("set interval 7s\r")
            #expect(lone.status == 0, "\(lone)")
            #expect(shell.session.settings.interval == 7)
        }
    }

    private func fixtureShell(_ shell: ShellHarness) -> ShellHarness {
        ShellHarness(services: shell.session.services, context: shell.context, interactive: false, settings: Settings())
    }

    @Test func emptyAndBlankLinesDoNothing() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("\n   \n\t\n;\n# nothing\n")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result)")
        }
    }

    @Test func hundredKilobyteLine() async throws {
        try await withShell { shell, _ in
            let long = String(repeating: "x", count: 100_000)
            let comment = await shell.run("set output json # " + long)
            #expect(comment.status == 0)
            #expect(shell.session.settings.output == .json)

            let result = await shell.run("set output '\(long)'")
            #expect(result.status == 2)
            #expect(result.stderrLines.count == 1, "one line of error, not \(result.stderrLines.count)")
            #expect(shell.session.settings.output == .json, "a bad value leaves the setting alone")
        }
    }

    @Test func hundredKilobyteUnknownVerbIsQuick() async throws {
        try await withShell { shell, _ in
            let long = String(repeating: "q", count: 100_000)
            let result = await shell.run(long)
            #expect(result.status == 2)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.hasPrefix("error: unknown command"))
            #expect(!result.stderr.contains("did you mean"), "no suggestion for a 100 kB word: \(result.stderr.prefix(200))")
        }
    }

    @Test func invalidUTF8IsReplacedNotFatal() async throws {
        try await withShell { shell, _ in
            // What the executable does with a script file's bytes: decode, replacing bad sequences.
            let bytes: [UInt8] = Array("use job Night".utf8) + [0xFF, 0xFE] + Array("ly\ncontext\n".utf8)
            let script = String(decoding: bytes, as: UTF8.self)
            let result = await shell.run(script)
            #expect(result.status == 3, "no job has that name: \(result)")
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(result.stderr.contains("\u{FFFD}"), "the replaced bytes show as U+FFFD: \(result)")
            #expect(shell.context.job == nil)

            let verb = String(decoding: [0xC3] + Array("jobs".utf8), as: UTF8.self)
            let unknown = await shell.run(verb)
            #expect(unknown.status == 2, "\(unknown)")
            #expect(unknown.stderr.hasPrefix("error: unknown command '\u{FFFD}jobs'"), "\(unknown)")
        }
    }
}

/// The lexer's part of the language: references kept inside words, `|`, `>`, `>>`, and the
/// operators it refuses with a hint.
@Suite("Lexer: references, pipes and redirections")
struct LexerLanguageTests {
    func commands(_ line: String) throws -> [Lexer.Command] {
        guard case .commands(let commands) = try Lexer().lex(line) else {
            Issue.record("'\(line)' asked for a continuation line")
            return []
        }
        return commands
    }

    func failure(_ line: String) -> String? {
        do {
            _ = try Lexer().lex(line)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func referencesAreKeptAsPartsOfTheirWord() throws {
        let words = try #require(try commands("show run ${run} $1x \"run $run: $?\" $@ $# ${env:HOME} ${10} $0").first?.words)
        #expect(words[2].parts == [.reference(.variable("run"))])
        #expect(words[3].parts == [.reference(.argument(1)), .literal("x")])
        #expect(words[4].parts == [.literal("run "), .reference(.variable("run")), .literal(": "), .reference(.status)])
        #expect(words[5].parts == [.reference(.allArguments)])
        #expect(words[6].parts == [.reference(.argumentCount)])
        #expect(words[7].parts == [.reference(.environment("HOME"))])
        #expect(words[8].parts == [.reference(.argument(10))])
        #expect(words[9].parts == [.reference(.argument(0))])
        #expect(words[4].text == "run ${run}: $?", "the unexpanded text keeps the references")
    }

    @Test func singleQuotesAndBackslashesKeepDollarsLiteral() throws {
        let words = try #require(try commands(#"echo '$1 ${job}' \$HOME "\$x" $ a$ $% ~user"#).first?.words)
        #expect(words.dropFirst().map(\.parts) == [
            [.literal("$1 ${job}")], [.literal("$HOME")], [.literal("$x")], [.literal("$")], [.literal("a$")], [.literal("$%")], [.literal("~user")],
        ])
    }

    @Test func aLeadingTildeIsTheHomeDirectory() throws {
        let words = try #require(try commands("artifacts get x -o ~/out ~ a~/b '~/c'").first?.words)
        #expect(words[4].parts == [.reference(.home), .literal("/out")])
        #expect(words[5].parts == [.reference(.home)])
        #expect(words[6].parts == [.literal("a~/b")])
        #expect(words[7].parts == [.literal("~/c")])
    }

    @Test func aPipeTakesTheRestOfTheCommandAsTyped() throws {
        let lexed = try commands(#"runs --json | jq '.[0].id' | head -1 ; context # note | x"#)
        #expect(lexed.count == 2)
        #expect(lexed[0].words.map(\.text) == ["runs", "--json"])
        #expect(lexed[0].output == .pipe(#"jq '.[0].id' | head -1"#))
        #expect(lexed[1].words.map(\.text) == ["context"] && lexed[1].output == nil)
        // Quotes keep ; and # inside the system command.
        let quoted = try commands(##"logs | grep -e 'a;b' -e "#c" | wc -l"##)
        #expect(quoted.count == 1 && quoted[0].output == .pipe(##"grep -e 'a;b' -e "#c" | wc -l"##))
        #expect(try commands("runs|wc").first?.output == .pipe("wc"))
    }

    @Test func redirectionsTakeOneFileNameLast() throws {
        #expect(try commands("sql fct_orders > fct_orders.sql").first?.output == .file(Lexer.Word("fct_orders.sql"), append: false))
        #expect(try commands("logs >> 'run log.txt'; steps").first?.output == .file(Lexer.Word("run log.txt", wasQuoted: true), append: true))
        #expect(try commands("runs>out").first?.output == .file(Lexer.Word("out"), append: false))
        let expanded = try #require(try commands("sql $1 > ${1}.sql").first?.output)
        #expect(expanded == .file(Lexer.Word(parts: [.reference(.argument(1)), .literal(".sql")]), append: false))
    }

    @Test func quotedOperatorsAreLiteral() throws {
        let words = try #require(try commands(#"api GET '/x?a=1|2' "a>b" \| \> x&y"#).first)
        #expect(words.words.map(\.text) == ["api", "GET", "/x?a=1|2", "a>b", "|", ">", "x&y"])
        #expect(words.output == nil)
    }

    @Test("misplaced operators fail with what to do", arguments: [
        ("| grep x", "| needs a dbtsh command before it"),
        ("runs |", "nothing after |"),
        ("runs | ; jobs", "nothing after |"),
        ("runs >", "> needs a file name after it"),
        ("runs >> ; jobs", ">> needs a file name after it"),
        ("> out", "a redirection needs a command before it"),
        ("runs > a b", "> takes one file name"),
        ("runs > a | wc", "either > FILE or | COMMAND"),
        ("runs > a > b", "one redirection"),
        ("runs 2> errors.txt", "only standard output can be redirected"),
        ("runs &> all.txt", "only standard output can be redirected"),
        ("job import < job.json", "input redirection (<) is not dbtsh syntax"),
        ("run --wait && failures", "'&&' is not dbtsh syntax"),
        ("run --wait || failures", "'||' is not dbtsh syntax"),
        ("echo ${job", "unterminated ${"),
        ("echo ${no such}", "bad variable ${no such}"),
        ("echo ${env:}", "bad variable ${env:}"),
    ])
    func misplacedOperators(line: String, message: String) {
        let description = failure(line)
        #expect(description?.contains(message) == true, "\(line) → \(description ?? "no failure")")
    }

    @Test func aContinuationMayFollowAPipe() throws {
        #expect(try Lexer().lex("runs --json | \\") == .needsContinuation)
        #expect(try commands("runs --json | jq .").first?.output == .pipe("jq ."))
    }

    @Test func partialKnowsWhereTheCursorIs() {
        #expect(Lexer().partial("runs | gr").place == .systemCommand)
        #expect(Lexer().partial("runs > ou").place == .redirectTarget)
        #expect(Lexer().partial("runs > out; jo").place == .command)
        let target = Lexer().partial("runs > ou")
        #expect(target.precedingWords == ["runs"] && target.currentWord == "ou" && target.currentWordRaw == "ou")
        let variable = Lexer().partial("show job ${jo")
        #expect(variable.currentWordRaw == "${jo")
    }

    @Test func continuationLinesAreFoundLineByLine() {
        #expect(Lexer().continuation(of: "runs \\", afterWord: false) == (true, false))
        #expect(Lexer().continuation(of: "ru\\", afterWord: false) == (true, true))
        #expect(Lexer().continuation(of: "#x \\", afterWord: false) == (false, false), "a comment")
        #expect(Lexer().continuation(of: "#x \\", afterWord: true) == (true, false), "not a comment inside a word")
        #expect(Lexer().continuation(of: "'a\\", afterWord: false).continues == false, "inside quotes")
    }
}
