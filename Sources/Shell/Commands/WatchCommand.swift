import Foundation
import TerminalText

struct WatchCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "watch", summary: "run a command every few seconds until Ctrl-C, redrawn in place on a terminal",
        discussion: """
        On a terminal each round replaces the last, under a line saying when it ran (as psql's \\watch). Elsewhere \
        (a pipe, a file, a script's output) the rounds follow each other, separated by an empty line, and that \
        line goes to stderr. Watch stops at the first round that fails, with its status, or after --count rounds.
        """,
        examples: ["watch runs --status running", "watch --interval 10s steps", "watch --count 3 runs --json > runs.jsonl"],
        optionsEndAtFirstArgument: true)
    @Option("interval", help: "time between rounds (default: 'set interval', 3s)") var interval: Duration?
    @Option("count", valueName: "N", help: "stop after N rounds (default: until Ctrl-C)") var count: Int?
    @Argument("COMMAND", .verb, help: "the command to repeat, with its options") var command: [String]

    /// Set while a watch runs its command: a watch inside it would never end.
    @TaskLocal static var isWatching = false

    func run(in session: Session) async throws -> Int32 {
        if Self.isWatching || command.first == Self.configuration.name {
            throw CommandFailure.usage("watch: a watch inside a watch would never end")
        }
        if let count, count < 1 { throw CommandFailure.usage("watch: --count must be 1 or more, not \(count)") }
        let seconds = interval?.inSeconds ?? session.settings.interval
        let console = session.console
        let interpreter = Interpreter(session: session)
        let shown = command.map(ShellQuoting.quoted).joined(separator: " ")
        var round = 0
        while true {
            round += 1
            let header = "every \(DurationText.format(seconds)): \(shown)    \(Self.clockText(Date()))"
            let status: Int32
            if console.stdoutIsTerminal {
                let held = HeldOutput()
                status = await Self.$isWatching.withValue(true) {
                    await console.redirectingOutput(to: held) { await interpreter.invoke(command, frame: session.language.script, paging: false) }
                }.status
                // A failed round keeps the screen: its error line is on it.
                if status == 0, !Task.isCancelled { console.clearScreen() }
                console.line(ConsoleText.styled(header, .heading))
                console.out(held.text)
            } else {
                if round > 1 { console.line() }
                console.errorLine(header)
                status = await Self.$isWatching.withValue(true) {
                    await interpreter.invoke(command, frame: session.language.script, paging: false)
                }.status
            }
            if status != 0 || session.exitRequest != nil { return status }
            if let count, round >= count { return 0 }
            try await Task.sleep(for: .seconds(seconds))
        }
    }

    private static func clockText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}
