import DbtCloud
import Foundation
@testable import Shell
import Testing

/// The options of every command are declared once, as its properties: these tests read the
/// declarations of every registered command and bind typed values through them.
@Suite("Declared options")
struct DeclarationTests {
    static let specs = CommandRegistry.standard.specs

    @Test("every registered command's declarations are well formed", arguments: specs.map(\.name))
    func declarationsAreWellFormed(name: String) throws {
        let spec = try #require(CommandRegistry.standard.spec(of: name.split(separator: " ").map(String.init)))
        #expect(spec.name == name)

        let names = spec.allFlags.map(\.name)
        #expect(Set(names).count == names.count, "an option declared twice in \(name): \(names)")
        let shorts = spec.allFlags.compactMap(\.short)
        #expect(Set(shorts).count == shorts.count, "a short option declared twice in \(name): \(shorts)")

        for flag in spec.allFlags {
            #expect(!flag.help.trimmingCharacters(in: .whitespaces).isEmpty, "\(name) --\(flag.name) has no help")
            #expect(!flag.name.hasPrefix("-") && !flag.name.contains(" ") && !flag.name.isEmpty, "\(name): bad option name '\(flag.name)'")
            if flag.value != nil { #expect(!flag.valueName.isEmpty, "\(name) --\(flag.name) has no value name") }
            if flag.repeatable { #expect(flag.value != nil, "\(name) --\(flag.name) repeats without a value") }
        }

        // Required, then optional, then at most one variadic, last.
        let ranks = spec.positionals.map { $0.variadic ? 2 : ($0.optional ? 1 : 0) }
        #expect(ranks == ranks.sorted(), "\(name): positionals out of order: \(spec.positionals.map(\.usage))")
        #expect(spec.positionals.dropLast().allSatisfy { !$0.variadic }, "\(name): a variadic positional that is not last")

        let usage = spec.usage
        #expect(usage.hasPrefix(name))
        for positional in spec.positionals { #expect(usage.contains(positional.usage), "\(name): usage misses \(positional.name)") }
        for flag in spec.flags { #expect(usage.contains("--\(flag.name)"), "\(name): usage misses --\(flag.name)") }
        let help = HelpText.forCommand(spec)
        #expect(help.hasPrefix("usage: \(usage)\n"))
        if spec.argumentsOnly {
            // Every word is an argument (`echo -n`, `let x --json`): no option, not even --help.
            #expect(spec.flags.isEmpty, "\(name) takes every word as an argument, yet declares options")
            #expect(!help.contains("--help"), "\(name): help offers --help, which it does not take")
        } else {
            for flag in spec.allFlags { #expect(help.contains("--\(flag.name)"), "\(name): help misses --\(flag.name)") }
        }
    }

    @Test func commandNamesAndAliasesAreUnique() {
        let words = Self.specs.flatMap { [$0.name] + $0.aliases }
        #expect(Set(words).count == words.count, "\(words)")
    }

    @Test func commandsThatPrintDataDeclareTheOutputOptions() throws {
        for name in ["context", "jobs", "runs", "show", "run", "wait", "retry", "steps", "failures", "diff", "catalog show"] {
            let spec = try #require(CommandRegistry.standard.spec(of: name.split(separator: " ").map(String.init)))
            #expect(spec.flags.contains { $0.name == "output" && $0.value == .choice(["table", "json", "jsonl", "csv", "tsv", "markdown"]) }, "\(name)")
            #expect(spec.flags.contains { $0.name == "json" }, "\(name)")
        }
    }

    @Test func theWaitOptionsAreSharedByEveryCommandThatWaits() throws {
        for name in ["run", "wait", "retry"] {
            let spec = try #require(CommandRegistry.standard.spec(of: [name]))
            for option in ["timeout", "interval"] {
                #expect(spec.flags.contains { $0.name == option && $0.value == .duration }, "\(name) --\(option)")
            }
        }
    }

    @Test func typedValuesAreBound() throws {
        let runs = try RunsCommand.parse(["--limit", "5", "--status", "error", "--status=cancelled", "--all", "--json"])
        #expect(runs.limit == 5)
        #expect(runs.statuses == ["error", "cancelled"])
        #expect(runs.all && !runs.allJobs)
        #expect(runs.output.json)

        let wait = try WaitCommand.parse(["902", "--timeout", "1m30s", "--interval", "500ms"])
        #expect(wait.runRef == "902")
        #expect(wait.waiting.timeout == .seconds(90))
        #expect(wait.waiting.interval == .milliseconds(500))

        let retry = try RetryCommand.parse(["--wait", "--timeout", "5m"])
        #expect(retry.wait && retry.runRef == nil)
        #expect(retry.waiting.timeout == .seconds(300))

        let use = try UseCommand.parse(["job", "Nightly", "build"])
        #expect(use.levelWord == "job" && use.words == ["Nightly", "build"])

        let get = try ArtifactsGetCommand.parse(["run_results.json", "manifest.json", "-o", "target/", "--step", "2"])
        #expect(get.paths == ["run_results.json", "manifest.json"] && get.target == "target/" && get.step == 2)

        let show = try ShowCommand.parse(["--output", "json"])
        #expect(show.levelWord == nil && show.explicit == nil && show.output.format == .json)
    }

    @Test func absentOptionsKeepTheirDefaults() throws {
        let diff = try DiffCommand.parse([])
        #expect(diff.top == 10 && diff.oldRun == nil && diff.newRunRef == nil)
        #expect(try UnuseCommand.parse([]).word == "run")
        #expect(try ExitCommand.parse([]).status == 0)
        #expect(try HelpCommand.parse([]).words == [])
        #expect(try RunCommand.parse([]).cause == "Triggered from dbtsh")
        let runs = try RunsCommand.parse([])
        #expect(runs.limit == 20 && runs.statuses.isEmpty && !runs.all && runs.output.format == nil && !runs.output.json)
    }

    @Test func eachParseHasItsOwnValues() throws {
        let first = try LogsCommand.parse(["2", "--tail", "40"])
        let second = try LogsCommand.parse(["--failed"])
        #expect(first.stepText == "2" && first.tail == 40 && !first.failedStep)
        #expect(second.stepText == nil && second.tail == nil && second.failedStep)
    }

    @Test func badValuesAreOneLineUsageErrors() {
        let cases: [(any ShellCommand.Type, [String], String)] = [
            (RunsCommand.self, ["--limit", "many"], "runs: --limit expects a whole number, not 'many'"),
            (WaitCommand.self, ["--timeout", "soon"], "wait: --timeout expects a duration above zero such as 90s, 500ms or 10m, not 'soon'"),
            (WaitCommand.self, ["--interval", "0"], "wait: --interval expects a duration above zero such as 90s, 500ms or 10m, not '0'"),
            (ExitCommand.self, ["banana"], "exit: STATUS expects a whole number, not 'banana'"),
            (ContextCommand.self, ["--output", "yaml"], "context: --output must be one of table, json, jsonl, csv, tsv, markdown, not 'yaml'"),
            (RetryCommand.self, ["--wiat"], "retry: unknown option --wiat (did you mean --wait?); see 'retry --help'"),
            (SQLCommand.self, [], "sql: missing NODE; usage: sql NODE [RUN] [--file run_results.json] [--manifest manifest.json] [--step N] [--run RUN] [--raw] [--diff] [--output FORMAT] [--json] [--fields A,B,…]"),
            (UseCommand.self, ["job", "--json"], "use: unknown option --json (options: --help); see 'use --help'"),
        ]
        for (command, words, message) in cases {
            #expect(throws: CommandFailure.usage(message), "\(command.configuration.name) \(words)") {
                _ = try command.parse(words)
            }
        }
    }

    @Test func theOutputFormatComesFromTheCommandThenTheSession() throws {
        let session = Session(console: Console(CapturingConsole()), interactive: false)
        try session.updateSettings { try $0.set("output", to: "json") }
        #expect(try ContextCommand.parse([]).output.format(in: session) == .json)
        #expect(try ContextCommand.parse(["--output", "table"]).output.format(in: session) == .table)
        try session.updateSettings { try $0.set("output", to: "table") }
        #expect(try ContextCommand.parse(["--json"]).output.format(in: session) == .json)
        #expect(try ContextCommand.parse(["--output", "table", "--json"]).output.format(in: session) == .json)
    }

    @Test func completionFollowsTheDeclaredKinds() {
        #expect(UseCommand.completionKind(.text, after: ["job"]) == .job)
        #expect(ShowCommand.completionKind(.text, after: ["run"]) == .run)
        #expect(SetCommand.completionKind(.settingValue, after: ["output"]) == .choice(["table", "json", "jsonl", "csv", "tsv", "markdown"]))
        #expect(RunsCommand.completionKind(.run, after: []) == .run)
    }
}
