import Config
import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing
import TerminalIO

/// `$?`, `exit $?` and the CI pattern; script errors that name FILE:LINE.
@Suite("Language: status, exit and script locations", .serialized, .sandbox(stepSeconds: 0.05))
struct StatusTests {
    @Test func dollarQuestionIsTheLastCommandsStatus() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("""
            set errexit off
            echo start $?
            jbos
            echo after an unknown command $?
            show job 99999999
            echo after a 404 $?
            echo $?
            """)
            #expect(result.stdoutLines == ["start 0", "after an unknown command 2", "after a 404 3", "0"], "\(result)")
            #expect(result.status == 0, "\(result)")
        }
    }

    @Test("trigger, wait, always fetch the results, then fail with the run's status: one script")
    func theCIPattern() async throws {
        try await withShell { shell, _ in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let result = await shell.run("""
            set errexit off
            use job 43167
            run --wait --interval 50ms
            let status $?
            artifacts get run_results.json -o \(scratch.path("results"))/
            failures > \(scratch.path("failures.txt"))
            echo the run ended with $status
            exit $status
            """, source: "ci.dbtsh")
            #expect(result.status == 1, "the run's status, after the artifacts were fetched: \(result)")
            #expect(result.stdoutLines.last == "the run ended with 1", "\(result)")
            #expect(scratch.contents("results/run_results.json").contains("\"status\""), "\(result)")
            #expect(scratch.contents("failures.txt").contains("int_customer_order_history"), "\(result)")
        }
    }

    @Test("a run that ends in error still writes its result with >: the command ran to its end")
    func aFailedRunsResultIsKept() async throws {
        try await withShell { shell, _ in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let result = await shell.run("use job 43167; run --wait --interval 50ms > \(scratch.path("result.txt"))")
            #expect(result.status == 1, "\(result)")
            #expect(scratch.contents("result.txt").contains("43167  error"), "\(result)")
        }
    }

    @Test func exitTakesAnExpandedStatus() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set errexit off\nshow job 99999999\nexit $?\necho not reached")
            #expect(result.status == 3, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
        }
    }

    @Test func helpDescribesTheLanguage() async throws {
        try await withShell { shell, _ in
            for topic in ["language", "grammar"] {
                let result = await shell.run("help \(topic)")
                #expect(result.status == 0 && result.stdout.hasPrefix("The dbtsh language"), "\(result)")
                #expect(result.stdout.contains("CMD | SYSTEM COMMAND") && result.stdout.contains("${env:NAME}"), "\(result)")
            }
            let overview = await shell.run("help")
            #expect(overview.stdout.contains("'help language' for ;, |, >, $?, variables and aliases"), "\(overview)")
        }
    }

    @Test func scriptErrorsNameFileAndLine() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("""
            set errexit off

            jbos
            use job \\
              99999999
            echo ${nothing}
            """, source: "ci.dbtsh")
            #expect(result.stderrLines.count == 3, "\(result)")
            #expect(result.stderrLines[0].hasPrefix("ci.dbtsh:3: error: unknown command 'jbos'"), "\(result)")
            #expect(result.stderrLines[1].hasPrefix("ci.dbtsh:4: error: "), "a continued command is named by its first line: \(result)")
            #expect(result.stderrLines[2].hasPrefix("ci.dbtsh:6: error: ${nothing} is not set"), "\(result)")
            let unnamed = await shell.run("jbos")
            #expect(unnamed.stderr.hasPrefix("error: unknown command"), "no location without a script file: \(unnamed)")
        }
    }
}

/// `${job}` and the context's ids, `$1`…, `$@`, `${env:NAME}`, `let`, single quotes, no re-lexing.
@Suite("Language: variables and expansion", .sandbox())
struct ExpansionTests {
    @Test func contextIdsExpand() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use job 43167; echo ${job} $job ${account} \"${project}/${environment}\"")
            #expect(result.status == 0, "\(result)")
            let project = try #require(shell.context.project?.id)
            let environment = try #require(shell.context.environment?.id)
            #expect(result.stdoutLines == ["43167 43167 43 \(project)/\(environment)"], "\(result)")
            let missing = await shell.run("echo ${run}")
            #expect(missing.status == 2, "\(missing)")
            #expect(missing.stderrLines == ["error: ${run}: no run in context ('use run ID')"], "\(missing)")
        }
    }

    @Test func scriptArgumentsExpandOneWordEach() async throws {
        try await withShell { shell, _ in
            shell.session.setScript(name: "ci.dbtsh", arguments: ["43167", "two words"])
            let result = await shell.run("""
            echo $0 has $# arguments: $1 and "$2"
            show job $1 --json > /dev/null
            alias count 'echo $#'
            count $@
            count "$@"
            count "$@ "
            """)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["ci.dbtsh has 2 arguments: 43167 and two words", "2", "2", "1"], "$@ alone is a word each: \(result)")
            let missing = await shell.run("echo $3")
            #expect(missing.status == 2)
            #expect(missing.stderrLines == ["error: $3: the script was given 2 arguments"], "\(missing)")
        }
    }

    @Test func environmentVariablesAndHome() async throws {
        try await withShell { shell, _ in
            shell.session.environment = ["JOB_ID": "43167", "GREETING": "a b;c", "HOME": "/home/someone"]
            let result = await shell.run("echo ${env:GREETING} ~/runs ~; show job ${env:JOB_ID} --json > /dev/null")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["a b;c /home/someone/runs /home/someone"], "\(result)")
            let unset = await shell.run("echo ${env:NOPE}")
            #expect(unset.stderrLines == ["error: ${env:NOPE}: the environment has no NOPE"], "\(unset)")
            let bare = await shell.run("echo $GREETING")
            #expect(bare.stderr.contains("the environment's is ${env:GREETING}"), "\(bare)")
        }
    }

    @Test("an expanded value is only text: it is never lexed again")
    func noReLexing() async throws {
        try await withShell { shell, _ in
            let result = await shell.run(#"let evil 'x; exit 3 | sh > /tmp/owned $1 ${job}'; echo $evil; echo "$evil""#)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["x; exit 3 | sh > /tmp/owned $1 ${job}", "x; exit 3 | sh > /tmp/owned $1 ${job}"], "\(result)")
            #expect(shell.session.exitRequest == nil)
            let asName = await shell.run("use job $evil")
            #expect(asName.status == 3, "one word that names no job: \(asName)")
        }
    }

    @Test func singleQuotesKeepDollarsLiteral() async throws {
        try await withShell { shell, _ in
            let result = await shell.run(#"echo '${job} $1 $?' \$HOME "\${run}""#)
            #expect(result.stdoutLines == ["${job} $1 $? $HOME ${run}"], "\(result)")
        }
    }

    @Test func letSetsListsAndRefuses() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("let model 'fct orders'; let count 3; let; let model; echo $model")
            #expect(result.stdoutLines == ["let count 3", "let model 'fct orders'", "fct orders", "fct orders"], "\(result)")
            let context = await shell.run("let job 5")
            #expect(context.stderrLines == ["error: let: ${job} is the context's job id: change it with 'use job ID'"], "\(context)")
            let name = await shell.run("let 1x y")
            #expect(name.status == 2 && name.stderr.contains("not a variable name"), "\(name)")
            let near = await shell.run("echo $modle")
            #expect(near.stderr.contains("did you mean ${model}?"), "\(near)")
            let unset = await shell.run("unset model; echo $model")
            #expect(unset.status == 2 && unset.stderr.contains("${model} is not set"), "\(unset)")
            let habit = await shell.run("set var model fct_orders")
            #expect(habit.stderrLines == ["error: 'set var': variables are set with let; in dbtsh: let model fct_orders (see 'help let')"], "\(habit)")
            let unknown = await shell.run("unset nothing")
            #expect(unknown.stderrLines == ["error: unset: no variable nothing (see 'let')"], "\(unknown)")
        }
    }

    @Test func completionSeesTheUnexpandedText() async throws {
        try await withShell { shell, _ in
            _ = await shell.run("use job 43167")
            let flags = await shell.complete("runs --job ${job} --st")
            #expect(flags.items.map(\.replacement) == ["--status"], "\(flags)")
            #expect(await shell.complete("runs ${jo").word == "${jo")
            #expect(await shell.complete("show job ${jo").items.map(\.replacement) == ["${job}"])
            _ = await shell.run("let model fct_orders")
            #expect(await shell.complete("sql $mo").items.map(\.replacement) == ["$model"])
            #expect(await shell.complete("echo ${").items.map(\.replacement) == ["${account}", "${project}", "${environment}", "${job}", "${model}"])
        }
    }
}

/// `CMD | system command`, `CMD > FILE`, `CMD >> FILE` through the interpreter, with real
/// files and real `/bin/sh` processes.
@Suite("Language: pipes and redirections", .sandbox())
struct PipeAndRedirectionTests {
    private func shell(_ fixture: SandboxFixture, terminal: Bool = false) -> ShellHarness {
        var settings = Settings()
        settings.color = terminal
        return fixture.shell(settings: settings, console: CapturingConsole(stdoutIsTerminal: terminal, width: 30),
                             processes: ShellProcessLauncher(environment: [:]))
    }

    @Test("> FILE gets the whole output without colour or cutting; stdout stays empty")
    func toAFile() async throws {
        try await SandboxFixture.with { fixture in
            let shell = shell(fixture, terminal: true)
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let result = await shell.run("jobs > \(scratch.path("jobs.txt")); jobs --json > \(scratch.path("jobs.json"))")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            let jobs = try #require(try JSONValue(parsing: scratch.contents("jobs.json")).arrayValue)
            #expect(jobs.count > 100, "every page of jobs")
            let table = scratch.contents("jobs.txt")
            #expect(table.split(separator: "\n").count == jobs.count + 1 && table.contains("Nightly build"), "a header and every job")
            #expect(!table.contains("\u{1B}") && !table.contains("…"), "no colour, not cut to 30 columns")
        }
    }

    @Test(">> appends; > replaces")
    func appendAndReplace() async throws {
        try await withShell { shell, _ in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let log = scratch.path("log.txt")
            let result = await shell.run("echo one > \(log); echo two >> \(log); echo three >> \(log)")
            #expect(result.status == 0, "\(result)")
            #expect(scratch.contents("log.txt") == "one\ntwo\nthree\n")
            _ = await shell.run("echo fresh > \(log)")
            #expect(scratch.contents("log.txt") == "fresh\n")
        }
    }

    @Test("a failed command leaves the file of > as it was, and its permissions stay")
    func replacedOnlyWhenTheCommandRan() async throws {
        try await withShell { shell, _ in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let path = scratch.path("job.json")
            try Data("previous\n".utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
            let failed = await shell.run("show job 99999999 --json > \(path)")
            #expect(failed.status == 3, "\(failed)")
            #expect(scratch.contents("job.json") == "previous\n")
            #expect(failed.stderrLines.last == "\(path) left as it was: the command failed", "\(failed)")
            let fresh = await shell.run("show job 99999999 > \(scratch.path("new.txt"))")
            #expect(fresh.stderrLines.last == "\(scratch.path("new.txt")) not written: the command failed", "\(fresh)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("new.txt")))
            let replaced = await shell.run("show job 43167 --json > \(path)")
            #expect(replaced.status == 0, "\(replaced)")
            #expect(try JSONValue(parsing: scratch.contents("job.json"))["id"]?.intValue == 43167)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o640)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.contains("partial") }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
    }

    @Test(">> writes as the output comes: what came before a failure stays")
    func appendKeepsWhatCame() async throws {
        try await withShell { shell, _ in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let log = scratch.path("log")
            _ = await shell.run("set errexit off; echo start >> \(log); show job 99999999 >> \(log)")
            #expect(scratch.contents("log") == "start\n")
        }
    }

    @Test("a link is written through, a device in place")
    func linksAndDevices() async throws {
        try await withShell { shell, _ in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            try FileManager.default.createSymbolicLink(atPath: scratch.path("link"), withDestinationPath: scratch.path("target"))
            let result = await shell.run("echo through > \(scratch.path("link")); context > /dev/null; echo x >> /dev/null")
            #expect(result.status == 0, "\(result)")
            #expect(scratch.contents("target") == "through\n")
            let link = try FileManager.default.attributesOfItem(atPath: scratch.path("link"))[.type] as? FileAttributeType
            #expect(link == .typeSymbolicLink)
            let null = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
            #expect(null == .typeCharacterSpecial)
        }
    }

    @Test("a file that cannot be written is an error before the command runs")
    func unwritableTargetRunsNothing() async throws {
        try await withShell { shell, fixture in
            let posts = shell.requests(method: "POST").count
            let result = await shell.run("use job 43168; run > /nonexistent/dir/out.txt")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines == ["error: cannot write '/nonexistent/dir/out.txt': no such directory, or it is not writable"], "\(result)")
            #expect(shell.requests(method: "POST").count == posts, "no run was triggered")
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let protected = scratch.path("protected.txt")
            try Data("keep\n".utf8).write(to: URL(fileURLWithPath: protected))
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: protected)
            if getuid() != 0 {
                let refused = await shell.run("context > \(protected)")
                #expect(refused.stderrLines == ["error: cannot write '\(protected)': permission denied"], "a read-only file is not replaced: \(refused)")
                #expect(scratch.contents("protected.txt") == "keep\n")
            }
            let directory = await shell.run("context > /tmp")
            #expect(directory.stderrLines == ["error: cannot write '/tmp': it is a directory"], "\(directory)")
        }
    }

    @Test("| gives stdout to /bin/sh; errors stay on stderr")
    func pipeToSystemCommand() async throws {
        try await SandboxFixture.with { fixture in
            let shell = shell(fixture)
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let out = scratch.path("out")
            let jobs = await shell.run("jobs --json").json?.arrayValue?.count ?? 0
            let result = await shell.run("echo hello dbtsh | tr a-z A-Z > \(out); jobs | wc -l >> \(out)")
            #expect(result.status == 0, "\(result)")
            #expect(scratch.contents("out") == "HELLO DBTSH\n\(jobs + 1)\n", "a header and every job")
            let failing = await shell.run("show job 99999999 | cat > \(out)")
            #expect(failing.status == 3, "the dbtsh command's status: \(failing)")
            #expect(scratch.contents("out").isEmpty, "the error is not in the pipe")
            #expect(failing.stderr.contains("404"), "\(failing)")
        }
    }

    @Test("the status is the command's, or the system command's when that alone failed")
    func pipeStatus() async throws {
        try await SandboxFixture.with { fixture in
            let shell = shell(fixture)
            #expect(await shell.run("echo x | cat > /dev/null").status == 0)
            #expect(await shell.run("echo x | exit 4").status == 4)
            #expect(await shell.run("echo x | false").status == 1)
            #expect(await shell.run("jbos | exit 4").status == 2)
            #expect(await shell.run("set errexit off; echo x | exit 5; echo $?").stdoutLines == ["5"])
            let early = await shell.run("jobs | head -1 > /dev/null")
            #expect(early.status == 0, "a reader that stops early ends the output, not the command: \(early)")
        }
    }

    @Test func pipesNeedALauncher() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("context | cat")
            #expect(result.status == 2)
            #expect(result.stderrLines == ["error: this session cannot start programs"], "\(result)")
        }
    }

    @Test func quotedOperatorsAreWords() async throws {
        try await withShell { shell, _ in
            let result = await shell.run(#"echo 'a | b' "c > d" e\>\>f"#)
            #expect(result.stdoutLines == ["a | b c > d e>>f"], "\(result)")
        }
    }

    @Test func grammarErrorsRunNothing() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("set output json; runs 2> /dev/null")
            #expect(result.status == 2)
            #expect(result.stderrLines == ["error: only standard output can be redirected: errors stay on stderr (redirect dbtsh's own: dbtsh … 2> FILE)"], "\(result)")
            #expect(shell.session.settings.output == .table, "nothing on the line ran")
        }
    }

    @Test func completionAfterPipesAndRedirections() async throws {
        try await withShell { shell, _ in
            #expect(await shell.complete("runs | gr").items.isEmpty)
            #expect(await shell.complete("runs > ").items.isEmpty)
            #expect(await shell.complete("runs > x; con").items.map(\.replacement) == ["context", "connections", "connection"])
        }
    }
}

/// `watch [--interval S] [--count N] CMD`.
@Suite("Language: watch", .sandbox())
struct WatchTests {
    @Test("in a script each round follows the last, its time line on stderr")
    func roundsInAScript() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("watch --count 3 --interval 10ms echo hi")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "hi\n\nhi\n\nhi\n", "\(result)")
            #expect(result.stderrLines.count == 3, "\(result)")
            #expect(result.stderrLines.allSatisfy { $0.hasPrefix("every 10ms: echo hi    20") }, "\(result)")
        }
    }

    @Test("on a terminal each round clears the screen and is drawn under its time line")
    func redrawnOnATerminal() async throws {
        try await SandboxFixture.with { fixture in
            let shell = fixture.shell(console: CapturingConsole(stdoutIsTerminal: true))
            let result = await shell.run("use job 43167; watch --count 2 --interval 10ms runs --limit 1")
            #expect(result.status == 0, "\(result)")
            let screens = result.stdout.split(separator: "\u{0C}", omittingEmptySubsequences: false)
            #expect(screens.count == 3, "two clears: \(result)")
            for screen in screens.dropFirst() {
                #expect(screen.hasPrefix("every 10ms: runs --limit 1"), "\(screen)")
                #expect(screen.contains("902  error"), "\(screen)")
            }
        }
    }

    @Test func aFailingRoundStopsWatchWithItsStatus() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("watch --count 5 --interval 10ms show job 99999999")
            #expect(result.status == 3, "\(result)")
            #expect(result.stderrLines.filter { $0.hasPrefix("every") }.count == 1, "\(result)")
        }
    }

    @Test func watchRefusesToNest() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("watch watch context")
            #expect(result.stderrLines == ["error: watch: a watch inside a watch would never end"], "\(result)")
            let alias = await shell.run("alias w 'watch --count 2 --interval 10ms w'; w")
            #expect(alias.status == 2 && alias.stderr.contains("a watch inside a watch"), "\(alias)")
        }
    }

    @Test("Ctrl-C (cancellation) ends watch with 130")
    func cancelled() async throws {
        try await withShell { shell, _ in
            let watching = Task { await shell.run("watch --interval 20ms echo tick") }
            let deadline = ContinuousClock.now + .seconds(30)
            while shell.console.stdout.components(separatedBy: "tick").count < 3, ContinuousClock.now < deadline {
                await Task.yield()
            }
            watching.cancel()
            let result = await watching.value
            #expect(result.status == 130, "\(result)")
            #expect(result.stdout.hasPrefix("tick\n\ntick"), "\(result)")
        }
    }

    @Test func watchOptionsComeBeforeTheCommand() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("use job 43167; watch --count 1 runs --status error --json")
            #expect(result.status == 0, "\(result)")
            #expect(result.json?.arrayValue?.isEmpty == false, "\(result)")
            #expect(await shell.complete("watch runs --st").items.map(\.replacement) == ["--status"])
            #expect(await shell.complete("watch --count 2 con").items.map(\.replacement) == ["context", "connections", "connection"])
        }
    }
}

/// `alias NAME 'BODY'`, `unalias`, `alias` to list: arguments, shadowing, recursion, help, completion.
@Suite("Language: aliases", .sandbox())
struct AliasTests {
    @Test func anAliasRunsItsBody() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("alias nightly 'use job 43167; runs --limit 2'; nightly")
            #expect(result.status == 0, "\(result)")
            #expect(shell.context.job?.id == 43167)
            #expect(result.stdout.tableRows.count == 2, "\(result)")
        }
    }

    @Test func argumentsBindToDollarNumbersOrGoAtTheEnd() async throws {
        try await withShell { shell, _ in
            let bound = await shell.run("alias j 'show job $1 --json'; j 43168")
            #expect(bound.status == 0, "\(bound)")
            #expect(bound.json?["id"]?.intValue == 43168, "\(bound)")
            let appended = await shell.run("alias r 'runs --limit 1'; use job 43167; r --json")
            #expect(appended.json?.arrayValue?.count == 1, "\(appended)")
            let counted = await shell.run("alias n 'echo $# $@'; n a 'b c'")
            #expect(counted.stdoutLines == ["2 a b c"], "\(counted)")
            let missing = await shell.run("j")
            #expect(missing.stderrLines == ["error: $1: the alias j was given 0 arguments"], "\(missing)")
        }
    }

    @Test func listingShowingAndBashForm() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("alias ctx=context; alias j 'show job $1'; alias; alias j")
            #expect(result.stdoutLines == ["alias ctx context", "alias j 'show job $1'", "alias j 'show job $1'"], "\(result)")
            let unknown = await shell.run("alias jj")
            #expect(unknown.stderr.contains("no alias jj (did you mean j?)"), "\(unknown)")
        }
    }

    @Test("an alias with a command's name says so, and inside it the name is the command")
    func shadowing() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("alias runs 'runs --limit 1'; use job 43167; runs")
            #expect(result.status == 0, "\(result)")
            #expect(result.stderrLines.first?.hasPrefix("alias runs replaces the command runs") == true, "\(result)")
            #expect(result.stdout.tableRows.count == 1, "\(result)")
            let back = await shell.run("unalias runs; runs")
            #expect(back.stdout.tableRows.count == 3, "\(back)")
            let reserved = await shell.run("alias unalias context")
            #expect(reserved.status == 2 && reserved.stderr.contains("how aliases are changed"), "\(reserved)")
        }
    }

    @Test("recursion is bounded and named")
    func recursion() async throws {
        try await withShell { shell, _ in
            let loop = await shell.run("alias a b; alias b a; a")
            #expect(loop.status == 2)
            #expect(loop.stderrLines == ["error: alias a calls itself (a → b → a); an alias's body cannot use its own name unless it is a command"], "\(loop)")
            let chain = (0..<20).map { "alias a\($0) a\($0 + 1)" }.joined(separator: "; ")
            let deep = await shell.run(chain + "; alias a20 context; a0")
            #expect(deep.status == 2)
            #expect(deep.stderr.contains("aliases nested deeper than 16"), "\(deep)")
        }
    }

    @Test func anAliasesOutputIsRedirectedWhole() async throws {
        try await withShell { shell, _ in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let result = await shell.run("alias two 'echo a; echo b'; two > \(scratch.path("out"))")
            #expect(result.status == 0, "\(result)")
            #expect(scratch.contents("out") == "a\nb\n")
        }
    }

    @Test func aliasesCompleteAndShowInHelp() async throws {
        try await withShell { shell, _ in
            _ = await shell.run("alias nightly 'use job 43167; runs'; alias r 'runs --limit 1'")
            #expect(await shell.complete("nig").items.map(\.replacement) == ["nightly"])
            #expect(await shell.complete("r --js").items.map(\.replacement) == ["--json"], "an alias completes as its command")
            #expect(await shell.complete("unalias n").items.map(\.replacement) == ["nightly"])
            let help = await shell.run("help")
            #expect(help.stdout.contains("aliases:\n  nightly"), "\(help)")
            let one = await shell.run("help nightly")
            #expect(one.stdoutLines == ["nightly is an alias: alias nightly 'use job 43167; runs'"], "\(one)")
            let typo = await shell.run("nightyl")
            #expect(typo.stderr.contains("did you mean nightly?"), "\(typo)")
        }
    }

    @Test func unaliasRemoves() async throws {
        try await withShell { shell, _ in
            let result = await shell.run("alias x context; unalias x; x")
            #expect(result.status == 2 && result.stderr.contains("unknown command 'x'"), "\(result)")
            let unknown = await shell.run("unalias nope")
            #expect(unknown.stderrLines == ["error: unalias: no alias nope ('alias' lists them)"], "\(unknown)")
        }
    }
}

/// What dbt-cloud-cli users type, answered with the dbtsh command.
@Suite("Language: dbt-cloud-cli habits", .sandbox())
struct ForeignHabitTests {
    @Test("dbt-cloud-cli's commands get the dbtsh command that does it, and never run", arguments: [
        ("job get 43167", "show job 43167"),
        ("job get --job-id 43167", "show job 43167"),
        ("job list", "jobs"),
        ("job list --project-id 270542", "jobs --project 270542"),
        ("job run --job-id 43167 --wait", "run --job 43167 --wait"),
        ("run list --job-id 43167 --status 20", "runs --job 43167 --status 20"),
        ("run get --run-id 902", "show run 902"),
        ("run list-artifacts --run-id 902", "artifacts --run 902"),
        ("run get-artifact --run-id 902 --path run_results.json -f out.json", "artifacts get run_results.json --run 902 --output-path out.json"),
        ("run cancel --run-id 902", "cancel 902"),
        ("account list", "accounts"),
        ("project get --project-id 270542", "show project 270542"),
        ("environment list --project-id 270542", "environments --project 270542"),
    ])
    func commands(typed: String, dbtsh: String) async throws {
        try await withShell { shell, fixture in
            let posts = shell.requests(method: "POST").count
            let result = await shell.run(typed)
            #expect(result.status == 2, "\(result)")
            let words = typed.split(separator: " ")
            #expect(result.stderrLines.first?.hasPrefix("error: '\(words[0]) \(words[1])' is dbt-cloud-cli's; in dbtsh: \(dbtsh) (see 'help ") == true,
                    "\(result)")
            #expect(shell.requests(method: "POST").count == posts, "nothing was triggered or cancelled")
        }
    }

    @Test("dbt-cloud-cli's id flags and other unknown flags get the declared option", arguments: [
        ("runs --job-id 43167", "runs: unknown option --job-id (did you mean --job?); see 'runs --help'"),
        ("wait --run-id 902", "wait: unknown option --run-id (the run is an argument here: wait 902); see 'wait --help'"),
        ("jobs --account-id 43", "jobs: unknown option --account-id (the account comes from the context: 'use account 43' (or dbtsh --account ID)); see 'jobs --help'"),
        ("steps --job-id 5", "steps: unknown option --job-id (the job comes from the context: 'use job 5'); see 'steps --help'"),
        ("runs --stauts error", "runs: unknown option --stauts (did you mean --status?); see 'runs --help'"),
        ("context --bogus", "context: unknown option --bogus (options: --output, --json, --fields, --help); see 'context --help'"),
    ])
    func flags(typed: String, message: String) async throws {
        try await withShell { shell, _ in
            let result = await shell.run(typed)
            #expect(result.status == 2)
            #expect(result.stderrLines == ["error: " + message], "\(result)")
        }
    }
}

/// `login`: the token read without echo (here from the console's input), checked against the
/// sandbox, kept by the session and saved to a private profiles file.
@Suite("Language: login", .serialized, .sandbox())
struct LoginTests {
    private func shell(_ fixture: SandboxFixture, input: String, interactive: Bool = false, stderrIsTerminal: Bool = false,
                       standardInput: StandardInputUse = .free, profiles: URL? = nil, account: Int? = nil) throws -> ShellHarness {
        let host = try DbtHost.parse(fixture.server.baseURL.absoluteString)
        let connect: @Sendable (APIToken) throws -> DbtCloudClient = { token in
            try DbtCloudClient(host: host, token: token, options: ClientOptions(retry: SandboxFixture.fastRetry))
        }
        let services = Services(connect: connect, profile: profiles.map { ProfileLocation(file: $0, name: "default") })
        let console = CapturingConsole(stderrIsTerminal: stderrIsTerminal, standardInput: standardInput, input: input)
        var context = ShellContext()
        context.account = account.map { .init(id: $0) }
        return ShellHarness(services: services, context: context, interactive: interactive, settings: Settings(), console: console)
    }

    @Test func withoutATokenCommandsSaySoNotNoAccount() async throws {
        try await SandboxFixture.with { fixture in
            let shell = try shell(fixture, input: "")
            let result = await shell.run("jobs")
            #expect(result.status == 2)
            #expect(result.stderrLines == ["error: " + Services.noTokenReason], "\(result)")
        }
    }

    @Test func loginChecksTheTokenShowsTheAccountsAndKeepsIt() async throws {
        try await SandboxFixture.with { fixture in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let profiles = scratch.url.appendingPathComponent("dbtsh/profiles.yml")
            let shell = try shell(fixture, input: DemoWorld.token + "\n", profiles: profiles)
            let result = await shell.run("login; use account 43; jobs --json")
            #expect(result.status == 0, "\(result)")
            let host = "\(fixture.server.baseURL.host ?? ""):\(fixture.server.baseURL.port ?? 0)"
            #expect(result.stderrLines.first?.hasPrefix("dbt Cloud API token (input hidden): logged in to \(host): the token sees ") == true, "\(result)")
            #expect(result.stdout.contains("43  Acme Analytics"), "\(result)")
            #expect(shell.context.account?.id == 43 || result.stderr.contains("next: 'use account ID'"), "one account becomes the context's")
            #expect(result.stderr.contains("not saved: 'login --save' saves it to"), "a script saves only with --save: \(result)")
            #expect(!FileManager.default.fileExists(atPath: profiles.path))
            let jobs = result.stdout.split(separator: "\n", maxSplits: 3).count
            #expect(jobs > 3, "jobs ran with the new token: \(result)")
            await shell.session.services.client?.shutdown()
        }
    }

    @Test("--save writes the token to the profile: mode 600, other profiles kept, never printed")
    func saved() async throws {
        try await SandboxFixture.with { fixture in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let profiles = scratch.url.appendingPathComponent("dbtsh/profiles.yml")
            try FileManager.default.createDirectory(at: profiles.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("profiles:\n  other:\n    token: kept-token-1234\n    account: 7\n".utf8).write(to: profiles)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: profiles.path)
            let shell = try shell(fixture, input: DemoWorld.token + "\n", profiles: profiles, account: 43)
            let result = await shell.run("login --save --profile prod")
            #expect(result.status == 0, "\(result)")
            #expect(result.stderrLines.last?.hasPrefix("saved to profile 'prod' in ") == true, "\(result)")
            let text = String(decoding: try Data(contentsOf: profiles), as: UTF8.self)
            #expect(text.contains("token: \(DemoWorld.token)") && text.contains("account: 43"), "\(text)")
            #expect(text.contains("host: \(fixture.server.baseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")))"), "\(text)")
            #expect(text.contains("kept-token-1234"), "the other profile stays: \(text)")
            let mode = try FileManager.default.attributesOfItem(atPath: profiles.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let resolved = try CredentialResolver(flags: CredentialFlags(profile: "prod"), environment: [:],
                                                  homeDirectory: scratch.url, configHome: scratch.url).resolve()
            #expect(resolved.token == APIToken(DemoWorld.token) && resolved.accountID == 43, "dbtsh reads it back")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: profiles.deletingLastPathComponent().path)
            #expect(leftovers == ["profiles.yml"])
            await shell.session.services.client?.shutdown()
        }
    }

    @Test func anInteractiveLoginAsksBeforeSaving() async throws {
        try await SandboxFixture.with { fixture in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let profiles = scratch.url.appendingPathComponent("dbtsh/profiles.yml")
            let shell = try shell(fixture, input: DemoWorld.token + "\ny\n", interactive: true, stderrIsTerminal: true, profiles: profiles)
            let result = await shell.run("login")
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.contains("save it to profile 'default' in \(profiles.path)? [y/N] "), "\(result)")
            #expect(FileManager.default.fileExists(atPath: profiles.path))
            await shell.session.services.client?.shutdown()
        }
    }

    @Test func aTokenOnTheCommandLineIsRefusedAndNotShown() async throws {
        try await SandboxFixture.with { fixture in
            let shell = try shell(fixture, input: "")
            let result = await shell.run("login dbtu_notreallyatoken1234")
            #expect(result.status == 2)
            #expect(result.stderrLines == ["error: login: the token is not taken on the command line (it would stay on the screen); type 'login' alone and paste it when asked"], "\(result)")
        }
    }

    @Test func aRefusedTokenChangesNothing() async throws {
        try await SandboxFixture.with { fixture in
            let shell = try shell(fixture, input: "not-a-real-token\n")
            let result = await shell.run("login --save")
            #expect(result.status == 4, "\(result)")
            #expect(shell.session.services.client == nil)
            #expect(!result.stderr.contains("not-a-real-token"), "\(result)")
        }
    }

    @Test func loginRefusesToReadTheScript() async throws {
        try await SandboxFixture.with { fixture in
            let shell = try shell(fixture, input: DemoWorld.token + "\n", standardInput: .script)
            let result = await shell.run("login")
            #expect(result.status == 2)
            #expect(result.stderr.contains("login: standard input is the script being run"), "\(result)")
        }
    }
}
