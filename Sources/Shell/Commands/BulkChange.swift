import DbtCloud
import TerminalText

/// How one item of a bulk change ended.
struct BulkOutcome: Sendable {
    enum State: Sendable, Equatable {
        /// Changed (cancelled, deleted, created, updated).
        case done
        /// Nothing to do any more (a run that had already finished, a job already gone).
        case unchanged
        case failed(CommandFailure)
    }

    /// The cells that name the item in the report (`902`, `43167`).
    let cells: [String]
    /// The item in the JSON report, before `outcome` and `error` are added.
    let fields: [String: JSONValue]
    let state: State
    /// What happened, in words: `cancelled`, `already finished (success)`, `deleted`.
    let detail: String

    var failure: CommandFailure? {
        if case .failed(let failure) = state { return failure }
        return nil
    }

    var json: JSONValue {
        var object = fields
        object["outcome"] = .string(detail)
        if let failure { object["error"] = .string(failure.message) }
        return .object(object)
    }
}

/// A change applied to several items one after another (`cancel --all`, `job delete --all`,
/// `job apply`): progress on a terminal's stderr, each failure said as it happens, then a report
/// of every item. Its exit status tells a partial failure (8) from a complete one (the
/// failure's own code); Ctrl-C stops after the item in progress and still reports.
struct BulkChange<Item: Sendable> {
    let session: Session
    /// Named in errors about `--fields`.
    let command: String
    /// `cancelling`, `deleting`.
    let progressVerb: String
    /// Names an item in progress lines and errors: `run 915`.
    let label: (Item) -> String
    /// The cells and JSON fields that identify an item in the report.
    let identify: (Item) -> (cells: [String], fields: [String: JSONValue])

    /// Applies `change` to each item; it says whether the item changed and how.
    func apply(_ items: [Item], _ change: (Item) async throws -> (BulkOutcome.State, String)) async throws -> [BulkOutcome] {
        var outcomes: [BulkOutcome] = []
        defer { session.console.endStatus() }
        for (index, item) in items.enumerated() {
            if Task.isCancelled { break }
            session.console.showStatus("\(progressVerb) \(index + 1)/\(items.count): \(label(item))")
            let (cells, fields) = identify(item)
            do {
                let (state, detail) = try await change(item)
                outcomes.append(BulkOutcome(cells: cells, fields: fields, state: state, detail: detail))
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                let failure = ErrorReport.failure(for: error)
                let message = session.services.token.map { $0.redact(failure.message) } ?? failure.message
                let shown = CommandFailure(message, exitCode: failure.exitCode)
                session.console.endStatus()
                session.console.errorLine("error: \(label(item)): \(VisibleControls.escaping(message, .singleLine))")
                outcomes.append(BulkOutcome(cells: cells, fields: fields, state: .failed(shown), detail: "failed"))
            }
        }
        return outcomes
    }

    /// The report: a table (or JSON) of every item on stdout, a summary on stderr; the exit status.
    /// `noun` is singular (`run`).
    func report(_ outcomes: [BulkOutcome], of total: Int, headers: [String], noun: String, doneWord: String, unchangedWord: String,
                output: OutputOptions) throws -> Int32 {
        try ListingOutput<BulkOutcome>(
            columns: headers + ["OUTCOME"], numeric: [0],
            row: { outcome in outcome.cells + [outcome.failure.map { "failed: " + $0.message } ?? outcome.detail] },
            raw: \.json
        ).print(outcomes, output: output, session: session, emptyMessage: "nothing was changed", command: command)
        let done = outcomes.filter { $0.state == .done }.count
        let unchanged = outcomes.filter { $0.state == .unchanged }.count
        let failures = outcomes.compactMap(\.failure)
        var parts = ["\(done) \(doneWord)"]
        if unchanged > 0 { parts.append("\(unchanged) \(unchangedWord)") }
        if !failures.isEmpty { parts.append("\(failures.count) failed") }
        let summary = parts.joined(separator: ", ") + " (of \(total) \(noun)\(total == 1 ? "" : "s"))"
        if outcomes.count < total, Task.isCancelled {
            session.console.errorLine("interrupted after \(outcomes.count) of \(total): " + summary)
            throw CancellationError()
        }
        session.console.errorLine(failures.isEmpty ? ConsoleText(summary) : .styled(summary, .failure))
        guard let first = failures.first else { return 0 }
        return done + unchanged == 0 ? first.exitCode : ExitCode.partialFailure
    }
}
