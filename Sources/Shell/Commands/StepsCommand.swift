import DbtCloud
import TerminalText

struct StepsCommand: ShellCommand {
    static let configuration = CommandConfiguration("steps", summary: "the steps of a run: index, name, status, duration; the failing step marked",
                                                    fields: StepRow.fields.map(\.key), rawFields: true)
    @Argument("RUN", .run) var runRef: String?
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let runID = try await session.requireRun(runRef)
        let run = try await session.api().run(accountID: account, id: runID, include: [.runSteps])
        let steps = run.steps.sorted { ($0.index ?? 0) < ($1.index ?? 0) }
        session.listings.store(steps.compactMap { step in step.index.map { .init(id: String($0), label: step.name ?? "") } },
                               for: .steps(run: runID))
        try ListingOutput(fields: StepRow.fields, raw: \.raw).print(
            steps, output: output, session: session,
            emptyMessage: "run \(runID) has no steps yet (\(run.status?.name ?? "unknown"))", command: "steps")
        if output.format(in: session) == .table, let failed = steps.first(where: { $0.status == .error }) {
            session.console.errorLine("step \(failed.index ?? 0) failed; next: 'explain', 'logs --failed', 'failures'")
        }
        return 0
    }
}

enum StepRow {
    static var fields: [DataField<RunStep>] {
        [
            .init("index", .init("#", alignment: .right, priority: 0, truncates: false)) { $0.index.map(JSONValue.int) ?? .null },
            .init("status_name", .init("STATUS", priority: 0, truncates: false),
                  text: { step in (step.status == .error ? "✗ " : step.status == .success ? "✓ " : "  ") + (step.status?.name ?? "") },
                  style: { StatusStyle.of($0.status) }) { $0.status.map { .string($0.name) } ?? .null },
            .init("duration", .init("DURATION", alignment: .right, priority: 2, truncates: false),
                  text: { TimeText.duration($0.duration) }) { $0.raw["duration"] ?? .null },
            .init("name", .init("NAME", priority: 1, minimumWidth: 14)) { $0.raw["name"] ?? .null },
        ]
    }
}

struct LogsCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "logs", summary: "a step's log (default: the failing step, else the last)",
        discussion: "The table format prints the log as dbt wrote it (its colours on a terminal). The other formats have a row per line, without colour codes: json is {run_id, step, lines: [{line, text}]}, jsonl and csv a line each; markdown a fenced block. --follow prints a running step's log as it grows and ends when the step ends; Ctrl-C stops following, never the run.",
        examples: ["logs --failed", "logs 2 --tail 40", "logs --debug --failed", "logs --failed --output jsonl", "logs 4 --follow --run 976"],
        fields: LogLine.fields.map(\.key))
    @Argument("STEP", .step) var stepText: String?
    @Flag("failed", help: "the step that failed") var failedStep: Bool
    @Flag("debug", help: "the full debug log instead of the console log") var debug: Bool
    @Option("tail", valueName: "N", help: "only the last N lines") var tail: Int?
    @Option("run", .run, valueName: "RUN", help: "another run than the context's") var runRef: String?
    @Flag("follow", short: "f", help: "print the log as it grows until the step ends (Ctrl-C stops following, not the run)") var follow: Bool
    @Option("interval", help: "with --follow: how often to look for new lines (default: 'set interval', 3s)") var interval: Duration?
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        if follow, debug { throw CommandFailure.usage("logs: --follow prints the console log as it grows; --debug is for a step's whole debug log") }
        if interval != nil, !follow { throw CommandFailure.usage("logs: --interval goes with --follow") }
        if follow, output.format(in: session) != .table || output.fields != nil {
            throw CommandFailure.usage("logs: --follow prints the log as dbt writes it; it takes no --output or --fields")
        }
        let account = try session.requireAccount()
        let runID = try await session.requireRun(runRef)
        let client = try session.api()
        let run = try await client.run(accountID: account, id: runID, include: [.runSteps])
        let steps = run.steps.sorted { ($0.index ?? 0) < ($1.index ?? 0) }
        let failed = steps.first { $0.status == .error }
        let step: RunStep
        if let text = stepText {
            guard let index = Int(text), let found = steps.first(where: { $0.index == index }) else {
                let known = steps.compactMap(\.index).map(String.init).joined(separator: ", ")
                throw CommandFailure.usage("logs: run \(runID) has no step '\(text)'; steps: \(known.isEmpty ? "none yet" : known)")
            }
            step = found
        } else if failedStep {
            guard let failed else { throw CommandFailure.usage("logs --failed: no step of run \(runID) failed (\(run.status?.name ?? "unknown"))") }
            step = failed
        } else {
            guard let chosen = failed ?? steps.last else { throw CommandFailure.usage("logs: run \(runID) has no steps yet") }
            step = chosen
        }
        if follow {
            if let tail, tail <= 0 { throw CommandFailure.usage("logs: --tail must be at least 1") }
            return try await LogFollower(session: session, interval: interval?.inSeconds ?? session.settings.interval)
                .follow(accountID: account, runID: runID, step: step, tail: tail)
        }
        var text: String
        if debug {
            let full = try await client.step(accountID: account, id: step.id, includeDebugLogs: true)
            text = full.debugLogs ?? full.truncatedDebugLogs ?? ""
        } else {
            text = step.logs ?? ""
        }
        if let tail {
            guard tail > 0 else { throw CommandFailure.usage("logs: --tail must be at least 1") }
            text = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(tail).joined(separator: "\n")
        }
        session.console.errorLine("step \(step.index ?? 0): \(step.name ?? "") (\(step.status?.name ?? "unknown"))")
        let data = DataOutput(session, output, command: "logs")
        let plain = ConsoleText.log(text).plain
        if data.format == .markdown, output.fields == nil {
            data.emit(DelimitedText.fenced(plain))
            return 0
        }
        var lines = plain.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let stepObject: JSONValue = .object([
            "index": step.index.map(JSONValue.int) ?? .null, "name": step.name.map(JSONValue.string) ?? .null,
            "status_name": step.status.map { .string($0.name) } ?? .null,
        ])
        try data.print(DataRows(lines.enumerated().map { LogLine(number: $0.offset + 1, text: $0.element) }, fields: LogLine.fields),
                       document: { .object(["run_id": .int(runID), "step": stepObject, "lines": $0]) }) {
            session.console.out(.log(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n"))
        }
        return 0
    }
}

/// One line of a log, for the formats that have rows.
struct LogLine {
    let number: Int
    let text: String

    static var fields: [DataField<LogLine>] {
        [
            .init("line", .init("LINE", alignment: .right, priority: 0, truncates: false)) { .int($0.number) },
            .init("text", .init("TEXT", priority: 1)) { .string($0.text) },
        ]
    }
}
