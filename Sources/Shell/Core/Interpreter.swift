import TerminalText

/// Runs lines of shell input: lexes them, and for each command expands its words, sets up its
/// redirection (`| cmd`, `> FILE`, `>> FILE`), expands an alias or finds the command, parses
/// its words and runs it, turning every failure into one line on stderr and an exit status
/// that becomes `$?`.
public final class Interpreter: Sendable {
    public let session: Session

    public init(session: Session) {
        self.session = session
    }

    public var registry: CommandRegistry { session.registry }

    /// How deep aliases may call aliases.
    static let aliasDepth = 16

    /// What running one command came to: its status, and whether it ended in an error (a
    /// failure reported on stderr, or Ctrl-C) rather than running to its end.
    struct Outcome: Sendable {
        var status: Int32
        var failed: Bool

        static func ran(_ status: Int32) -> Outcome { Outcome(status: status, failed: false) }
        static func failed(_ status: Int32) -> Outcome { Outcome(status: status, failed: true) }
    }

    /// Executes every command on the line; with errexit in a script, stops at the first failure.
    public func execute(_ line: String) async -> Int32 {
        await execute(line, frame: session.language.script)
    }

    func execute(_ line: String, frame: Frame) async -> Int32 {
        let commands: [Lexer.Command]
        do {
            switch try Lexer().lex(line) {
            case .commands(let parsed): commands = parsed
            case .needsContinuation: return record(report(CommandFailure.usage("incomplete line: it ends with a backslash")))
            }
        } catch {
            return record(report(CommandFailure.usage(error.description)))
        }
        return await run(commands, frame: frame).status
    }

    /// Commands in order; in a script with errexit on, up to the first that fails.
    func run(_ commands: [Lexer.Command], frame: Frame) async -> Outcome {
        var outcome = Outcome.ran(0)
        for command in commands {
            outcome = await run(command, frame: frame)
            if session.exitRequest != nil { break }
            if outcome.status != 0, !session.interactive, session.settings.errexit { break }
        }
        return outcome
    }

    /// One command with its redirection. Its status becomes `$?`.
    func run(_ command: Lexer.Command, frame: Frame) async -> Outcome {
        let outcome = await redirecting(command, frame: frame)
        record(outcome.status)
        return outcome
    }

    @discardableResult
    private func record(_ status: Int32) -> Int32 {
        session.lastStatus = status
        return status
    }

    private func redirecting(_ command: Lexer.Command, frame: Frame) async -> Outcome {
        let expansion = Expansion(session: session, frame: frame)
        let words: [String]
        do {
            words = try expansion.words(command.words)
        } catch {
            return .failed(report(error))
        }
        switch command.output {
        case nil:
            return await invoke(words, frame: frame)
        case .file(let target, let append):
            let file: FileRedirection
            do {
                file = try FileRedirection(path: try expansion.word(target), append: append)
            } catch {
                return .failed(report(error))
            }
            let outcome = await session.console.redirectingOutput(to: file.sink) { await invoke(words, frame: frame) }
            do {
                if let note = try file.finish(keep: !outcome.failed && !Task.isCancelled) {
                    session.console.errorLine(VisibleControls.escaping(note, .singleLine))
                }
            } catch {
                return .failed(report(error))
            }
            return outcome
        case .pipe(let systemCommand):
            let process: any RunningProcess
            do {
                process = try session.console.processes.startShellCommand(systemCommand, rendersStyles: false)
            } catch {
                return .failed(report(error))
            }
            let outcome = await session.console.redirectingOutput(to: process) { await invoke(words, frame: frame) }
            let piped = await withTaskCancellationHandler {
                await process.finish()
            } onCancel: {
                process.interrupt()
            }
            return outcome.status == 0 && piped != 0 ? .ran(piped) : outcome
        }
    }

    /// Runs expanded words: an alias, or a command of the registry (or the words of a mode such
    /// as `catalog browse`). `paging: false` keeps the pager out (`watch`'s rounds).
    func invoke(_ words: [String], frame: Frame, paging: Bool = true) async -> Outcome {
        guard let verb = words.first else { return .ran(0) }
        if let subShell = session.subShell {
            do {
                return .ran(try await subShell.handle(words, session: session))
            } catch {
                return .failed(report(error))
            }
        }
        if let body = session.language.aliases[verb] {
            if !frame.aliases.contains(verb) {
                return await runAlias(verb, body: body, arguments: Array(words.dropFirst()), frame: frame)
            }
            if registry.lookup(words) == nil {
                let chain = (frame.aliases + [verb]).joined(separator: " → ")
                return .failed(report(CommandFailure.usage("alias \(verb) calls itself (\(chain)); an alias's body cannot use its own name unless it is a command")))
            }
        }
        if let habit = ForeignHabits.translation(of: words) {
            return .failed(report(CommandFailure.usage(habit)))
        }
        guard let (command, consumed) = registry.lookup(words) else {
            return .failed(report(unknownCommand(words)))
        }
        do {
            let spec = command.spec
            let parsed = try ParsedWords.parse(Array(words.dropFirst(consumed)), spec: spec)
            if parsed.asksForHelp {
                session.console.out(HelpText.forCommand(spec))
                return .ran(0)
            }
            let bound = try command.bind(parsed)
            if spec.mutates, session.settings.readonly {
                throw CommandFailure.usage("\(spec.name): refused, the session is read-only (--readonly, DBT_CLOUD_READONLY or 'set readonly on')")
            }
            guard paging, session.settings.pager, session.interactive, session.console.stdoutIsTerminal else {
                return .ran(try await bound.run(in: session))
            }
            return .ran(try await Pager.paging(session.console) { try await bound.run(in: session) })
        } catch {
            return .failed(report(error))
        }
    }

    private func unknownCommand(_ words: [String]) -> CommandFailure {
        let verb = words[0]
        let subverbs = registry.subverbs(of: verb)
        if !subverbs.isEmpty {
            let choices = subverbs.map { "\(verb) \($0)" }.joined(separator: ", ")
            let typed = words.count > 1 ? " '\(words[1])' is not one of them;" : ""
            return CommandFailure.usage("\(verb):\(typed) use \(choices) (see 'help \(verb)')")
        }
        let hint = registry.suggestion(for: verb, aliases: Array(session.language.aliases.keys)).map { " (did you mean \($0)?)" } ?? ""
        return CommandFailure.usage("unknown command '\(verb)'\(hint); type 'help' for the list")
    }

    /// An alias's body, lexed when it runs. Without `$1`…, `$@` or `$#` in the body the words
    /// after the alias's name go at the end of its last command (`alias r 'runs -n 5'`, `r --json`).
    private func runAlias(_ name: String, body: String, arguments: [String], frame: Frame) async -> Outcome {
        guard frame.aliases.count < Self.aliasDepth else {
            let chain = (frame.aliases + [name]).joined(separator: " → ")
            return .failed(report(CommandFailure.usage("aliases nested deeper than \(Self.aliasDepth): \(chain)")))
        }
        var commands: [Lexer.Command]
        do {
            guard case .commands(let lexed) = try Lexer().lex(body) else {
                return .failed(report(CommandFailure.usage("alias \(name): its body ends with a backslash")))
            }
            commands = lexed
        } catch {
            return .failed(report(CommandFailure.usage("alias \(name): \(error.description)")))
        }
        var inner = Frame(name: name, arguments: arguments)
        inner.aliases = frame.aliases + [name]
        if !AliasBody.usesArguments(commands), !arguments.isEmpty, !commands.isEmpty {
            commands[commands.count - 1].words += arguments.map { Lexer.Word($0, wasQuoted: true) }
            inner.arguments = []
        }
        return await run(commands, frame: inner)
    }

    @discardableResult
    func report(_ error: any Error) -> Int32 {
        let failure = ErrorReport.failure(for: error)
        // Ctrl-C: the loop that cancelled the command says so, once.
        if failure.exitCode != ExitCode.interrupted {
            let message = session.services.token.map { $0.redact(failure.message) } ?? failure.message
            let location = ScriptLocation.current.map { VisibleControls.escaping($0, .singleLine) + ": " } ?? ""
            session.console.errorLine(location + "error: " + VisibleControls.escaping(message, .singleLine))
        }
        return failure.exitCode
    }
}

/// What an alias's body refers to.
enum AliasBody {
    /// Whether the body uses its arguments (`$1`…, `$@`, `$#`); `$0` is the alias's name.
    static func usesArguments(_ commands: [Lexer.Command]) -> Bool {
        commands.contains { command in
            var words = command.words
            if case .file(let target, _)? = command.output { words.append(target) }
            return words.contains { word in
                word.references.contains { reference in
                    switch reference {
                    case .argument(let number): number > 0
                    case .allArguments, .argumentCount: true
                    default: false
                    }
                }
            }
        }
    }
}
