import TerminalText

/// Runs lines of shell input: lexes, finds each command, parses its words and runs it,
/// turning every failure into one line on stderr and an exit status.
public final class Interpreter: Sendable {
    public let session: Session

    public init(session: Session) {
        self.session = session
    }

    public var registry: CommandRegistry { session.registry }

    /// Executes every command on the line; with errexit in a script, stops at the first failure.
    public func execute(_ line: String) async -> Int32 {
        let commands: [[Lexer.Word]]
        do {
            switch try Lexer().lex(line) {
            case .commands(let parsed): commands = parsed
            case .needsContinuation: return report(CommandFailure.usage("incomplete line: it ends with a backslash"))
            }
        } catch {
            return report(CommandFailure.usage(error.description))
        }
        var status: Int32 = 0
        for words in commands {
            status = await execute(words: words.map(\.text))
            if session.exitRequest != nil { break }
            if status != 0, !session.interactive, session.settings.errexit { break }
        }
        return status
    }

    func execute(words: [String]) async -> Int32 {
        if let subShell = session.subShell {
            do {
                return try await subShell.handle(words, session: session)
            } catch {
                return report(error)
            }
        }
        guard let (command, consumed) = registry.lookup(words) else {
            let verb = words[0]
            let subverbs = registry.subverbs(of: verb)
            if !subverbs.isEmpty {
                let choices = subverbs.map { "\(verb) \($0)" }.joined(separator: ", ")
                let typed = words.count > 1 ? " '\(words[1])' is not one of them;" : ""
                return report(CommandFailure.usage("\(verb):\(typed) use \(choices) (see 'help \(verb)')"))
            }
            let hint = registry.suggestion(for: verb).map { " (did you mean \($0)?)" } ?? ""
            return report(CommandFailure.usage("unknown command '\(verb)'\(hint); type 'help' for the list"))
        }
        do {
            let spec = command.spec
            let parsed = try ParsedWords.parse(Array(words.dropFirst(consumed)), spec: spec)
            if parsed.asksForHelp {
                session.console.out(HelpText.forCommand(spec))
                return 0
            }
            let bound = try command.bind(parsed)
            if spec.mutates, session.settings.readonly {
                throw CommandFailure.usage("\(spec.name): refused, the session is read-only (--readonly, DBT_CLOUD_READONLY or 'set readonly on')")
            }
            guard session.settings.pager, session.interactive, session.console.stdoutIsTerminal else {
                return try await bound.run(in: session)
            }
            return try await Pager.paging(session.console) { try await bound.run(in: session) }
        } catch {
            return report(error)
        }
    }

    @discardableResult
    func report(_ error: any Error) -> Int32 {
        let failure = ErrorReport.failure(for: error)
        // Ctrl-C: the loop that cancelled the command says so, once.
        if failure.exitCode != ExitCode.interrupted {
            let message = session.services.token.map { $0.redact(failure.message) } ?? failure.message
            session.console.errorLine("error: " + VisibleControls.escaping(message, .singleLine))
        }
        return failure.exitCode
    }
}
