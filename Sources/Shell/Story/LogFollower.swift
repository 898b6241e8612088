import DbtCloud
import Foundation
import TerminalText

/// Remembers how many lines of each step's log were printed and prints the new ones: the log
/// of a running step only grows.
final class StepLogPrinter {
    private var printed: [Int: Int] = [:]
    private var announced: Set<Int> = []
    private let console: Console
    /// Before a step's first lines, name it on stderr (when following several steps).
    private let announcesSteps: Bool

    init(console: Console, announcesSteps: Bool) {
        self.console = console
        self.announcesSteps = announcesSteps
    }

    static func lines(of log: String) -> [Substring] {
        var lines = log.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// Counts the first `count` lines of step `index` as printed (`--tail N` starts near the end).
    func skip(_ count: Int, ofStep index: Int) { printed[index] = max(0, count) }

    /// Prints the lines of `log` after those already printed for step `index`.
    func printNew(step index: Int, name: String, log: String) {
        let lines = Self.lines(of: log)
        let done = printed[index] ?? 0
        // A log that shrank was replaced (dbt Cloud keeps the last part of a long log): go on from its end.
        guard lines.count > done else {
            if lines.count < done { printed[index] = lines.count }
            return
        }
        if announcesSteps, announced.insert(index).inserted {
            console.errorLine(.styled("── step \(index): \(name) ──", .heading))
        }
        console.out(.log(lines[done...].joined(separator: "\n") + "\n"))
        printed[index] = lines.count
    }

    /// Every step of `run`, in order: the new lines of each.
    func printNew(of run: Run) {
        for step in run.steps.sorted(by: { ($0.index ?? 0) < ($1.index ?? 0) }) {
            guard let index = step.index else { continue }
            printNew(step: index, name: step.name ?? "", log: step.logs ?? "")
        }
    }
}

/// `logs --follow`: a step's log as it grows, until the step ends. Ctrl-C stops following and
/// never the run.
struct LogFollower {
    let session: Session
    let interval: Double

    func follow(accountID: Int, runID: Int, step: RunStep, tail: Int?) async throws -> Int32 {
        let client = try session.api()
        let index = step.index ?? 0
        let name = step.name ?? ""
        let printer = StepLogPrinter(console: session.console, announcesSteps: false)
        if let tail { printer.skip(StepLogPrinter.lines(of: step.logs ?? "").count - tail, ofStep: index) }
        var current = step
        var lastFailure: DbtCloudError?
        session.console.errorLine("step \(index): \(name) (\(step.status?.name ?? "unknown")); following its log, Ctrl-C stops following (not the run)")
        // What the loop says when Ctrl-C stops the command: the run goes on.
        session.interruptionNote = "stopped following; run \(runID) goes on in dbt Cloud ('cancel \(runID)' cancels it)"
        defer { if !Task.isCancelled { session.interruptionNote = nil } }
        while true {
            printer.printNew(step: index, name: name, log: current.logs ?? "")
            if let status = current.status, status.isTerminal {
                session.console.errorLine("step \(index) ended: \(status.name)")
                return 0
            }
            try await Task.sleep(nanoseconds: UInt64(max(0.01, interval) * 1_000_000_000))
            do {
                current = try await client.step(accountID: accountID, id: step.id)
                lastFailure = nil
            } catch let error as DbtCloudError where ErrorReport.exitCode(for: error.kind) == ExitCode.network {
                if lastFailure == nil { session.console.errorLine("dbt Cloud did not answer (\(error.kind)); still following") }
                lastFailure = error
            }
        }
    }
}
