import Foundation

/// One checked source table, from sources.json or, for a check that could not run, from the log.
public struct FreshnessEntry: Sendable, Equatable, Encodable {
    public enum Outcome: String, Sendable, Encodable {
        /// Older than `error_after`.
        case stale = "error"
        /// Older than `warn_after`.
        case warn
        case pass
        /// The check itself failed (e.g. a missing table); dbt leaves these out of sources.json.
        case runtimeError = "runtime error"
    }

    /// `source_name.table`, e.g. `erp.inventory_levels`.
    public var source: String
    public var uniqueID: String?
    public var outcome: Outcome
    public var maxLoadedAt: String?
    public var ageSeconds: Double?
    /// `12 hour`.
    public var warnAfter: String?
    public var errorAfter: String?
    /// Why a runtime error happened (from the log), traceback-free.
    public var messageLines: [String]
    /// The YAML file that declares the source, when the log names it.
    public var path: String?

    enum CodingKeys: String, CodingKey {
        case source, uniqueID = "unique_id", outcome, maxLoadedAt = "max_loaded_at", ageSeconds = "age_seconds"
        case warnAfter = "warn_after", errorAfter = "error_after", messageLines = "message_lines", path
    }
}

/// What a `dbt source freshness` step found: sources.json plus the runtime errors that only its log has.
public struct FreshnessStory: Sendable, Encodable {
    /// Worst first: stale, runtime error, warn, pass; by name within each.
    public let entries: [FreshnessEntry]

    public var stale: [FreshnessEntry] { entries.filter { $0.outcome == .stale } }
    public var runtimeErrors: [FreshnessEntry] { entries.filter { $0.outcome == .runtimeError } }
    public var warnings: [FreshnessEntry] { entries.filter { $0.outcome == .warn } }
    public var passed: [FreshnessEntry] { entries.filter { $0.outcome == .pass } }

    /// `sources` may be nil (not fetched, or not written); `log` is the step's console log.
    public init(sources: SourceFreshness?, log: StepLog) {
        var entries: [FreshnessEntry] = (sources?.results ?? []).map { result in
            FreshnessEntry(
                source: result.name, uniqueID: result.uniqueID, outcome: Self.outcome(result.status),
                maxLoadedAt: result.maxLoadedAt, ageSeconds: result.ageSeconds, warnAfter: result.warnAfter,
                errorAfter: result.errorAfter, messageLines: result.error.map { [$0] } ?? [], path: nil)
        }
        let reported = Set(entries.map(\.source))
        let checkLines = Self.checkLines(log)
        let logged = log.reportedFailures.filter { $0.resourceType == "source" }
        for (source, result) in checkLines where !reported.contains(source) {
            let table = source.split(separator: ".").last.map(String.init) ?? source
            let block = logged.first { $0.name == table && $0.severity != "Failure" }
                ?? logged.first { $0.name == table }
            let outcome: FreshnessEntry.Outcome
            switch result {
            case "ERROR STALE": outcome = .stale
            case "WARN": outcome = .warn
            case "PASS": outcome = .pass
            default: outcome = .runtimeError
            }
            let message = block.map { [$0.header] + $0.messageLines } ?? []
            entries.append(
                FreshnessEntry(
                    source: source, uniqueID: nil, outcome: outcome, maxLoadedAt: nil, ageSeconds: nil, warnAfter: nil,
                    errorAfter: nil, messageLines: message, path: block?.path))
        }
        self.entries = entries.sorted { (Self.rank($0.outcome), $0.source) < (Self.rank($1.outcome), $1.source) }
    }

    private static func outcome(_ status: NodeStatus) -> FreshnessEntry.Outcome {
        switch status {
        case .pass: return .pass
        case .warn: return .warn
        case .runtimeError: return .runtimeError
        default: return .stale
        }
    }

    private static func rank(_ outcome: FreshnessEntry.Outcome) -> Int {
        switch outcome {
        case .stale: return 0
        case .runtimeError: return 1
        case .warn: return 2
        case .pass: return 3
        }
    }

    /// `1 of 4 ERROR STALE freshness of erp.inventory_levels … [ERROR STALE in 0.08s]` → ("erp.inventory_levels", "ERROR STALE").
    static func checkLines(_ log: StepLog) -> [(String, String)] {
        var results: [(String, String)] = []
        for line in log.lines where line.time != nil {
            guard let progress = Progress(line.text), !progress.isStart,
                let range = line.text.range(of: " freshness of ")
            else { continue }
            let verb = line.text[..<range.lowerBound].split(separator: " ").dropFirst(3).joined(separator: " ")
            var source = String(line.text[range.upperBound...])
            if let end = source.firstIndex(of: " ") { source = String(source[..<end]) }
            results.append((source, verb))
        }
        return results
    }
}
