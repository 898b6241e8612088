import Foundation

/// The one-line summary of a run story.
enum Headline {
    static func make(
        run: RunFacts, verdict: RunVerdict, step: StepFacts?, errorLines: [String], nodes: NodeFailures?,
        logged: [LoggedFailure], freshness: FreshnessStory?, unfinished: [StartedNode]
    ) -> String {
        let at = step.map { "step \($0.index) \(describe($0))" } ?? "no step"
        let firstError = errorLines.first { !isErrorTitle($0) } ?? errorLines.first
        let onNode = unfinished.first.map { "; \(nodeName($0.description)) was running" } ?? ""
        switch verdict {
        case .succeeded:
            return "succeeded" + (run.runDurationSeconds.map { " in \(Elapsed.text($0))" } ?? "")
                + (nodes.map { ": \($0.summary.line)" } ?? "")
        case .queued:
            return run.status == .starting ? "starting" : "queued"
        case .running:
            let elapsed = step?.durationSeconds.map { " for \(Elapsed.text($0))" } ?? ""
            let now = unfinished.last.map { "; now on \(nodeName($0.description))" } ?? ""
            return "running \(at)\(elapsed)\(now)"
        case .cancelled:
            let after = run.runDurationSeconds.map { " after \(Elapsed.text($0))" } ?? ""
            return "cancelled during \(at)\(after)" + onNode
        case .timedOut:
            let limit = run.statusMessage.flatMap { $0.isEmpty ? nil : " (\($0))" } ?? ""
            return "timed out during \(at)\(limit)" + onNode
        case .gitClone, .profile, .deps, .connection, .compile, .unknownFailure:
            let what: String
            switch verdict {
            case .gitClone: what = "could not clone the repository"
            case .profile: what = "the dbt profile is wrong"
            case .connection: what = "dbt could not connect to the warehouse"
            case .deps: what = "dbt deps failed"
            case .compile: what = "dbt stopped before running anything"
            default: what = "failed"
            }
            return "\(at) failed: \(what)" + (firstError.map { ": \($0)" } ?? "")
        case .freshness:
            guard let freshness else { return "\(at) failed" }
            var parts: [String] = []
            if !freshness.stale.isEmpty { parts.append(count(freshness.stale.count, "source") + " stale") }
            if !freshness.runtimeErrors.isEmpty { parts.append("\(freshness.runtimeErrors.count) could not be checked") }
            if !freshness.warnings.isEmpty { parts.append(count(freshness.warnings.count, "warning")) }
            return "\(at) failed: " + (parts.isEmpty ? (firstError ?? "source freshness failed") : parts.joined(separator: ", "))
        case .nodeErrors, .testFailures:
            if let nodes { return "\(at) failed: " + nodeCounts(nodes) }
            return "\(at) failed: " + loggedCounts(logged) + " (from the log)"
        case .artifactsNotSaved:
            return "\(at) failed and its artifacts were not saved: " + loggedCounts(logged) + " (from the log)"
        }
    }

    /// "5 errors (1 database, 1 compilation, 1 seed, 1 snapshot, 1 test failure), 1 warning, 28 skipped".
    static func nodeCounts(_ nodes: NodeFailures) -> String {
        var parts = [count(nodes.failures.count, "error") + kinds(nodes.failures.map(\.kind))]
        if !nodes.warnings.isEmpty { parts.append(count(nodes.warnings.count, "warning")) }
        if nodes.skippedCount > 0 { parts.append("\(nodes.skippedCount) skipped") }
        return parts.joined(separator: ", ")
    }

    static func loggedCounts(_ logged: [LoggedFailure]) -> String {
        let errors = logged.filter { !$0.isWarning }
        let warnings = logged.count - errors.count
        var parts = [count(errors.count, "error") + kinds(errors.map(\.kind))]
        if warnings > 0 { parts.append(count(warnings, "warning")) }
        return parts.joined(separator: ", ")
    }

    private static func kinds(_ kinds: [NodeErrorKind]) -> String {
        guard !kinds.isEmpty else { return "" }
        let ordered = NodeErrorKind.allCases.compactMap { kind -> String? in
            let number = kinds.filter { $0 == kind }.count
            guard number > 0 else { return nil }
            // "2 database" reads as errors; "2 test failure" does not.
            return kind.isTest ? count(number, kind.rawValue) : "\(number) \(kind.rawValue)"
        }
        return " (" + ordered.joined(separator: ", ") + ")"
    }

    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// "Invoke dbt with `dbt build`" → "`dbt build`"; other names quoted as they are.
    static func describe(_ step: StepFacts) -> String {
        if case .dbt(_, let command) = step.role { return "`\(command)`" }
        return "“\(step.name)”"
    }

    /// `sql incremental model analytics.core.fct_orders` → `fct_orders`; `test not_null_x` → `not_null_x`.
    static func nodeName(_ description: String) -> String {
        let last = description.split(separator: " ").last.map(String.init) ?? description
        return last.split(separator: ".").last.map(String.init) ?? last
    }

    /// `Compilation Error`, `Runtime Error`: a title line with nothing of its own to say.
    private static func isErrorTitle(_ line: String) -> Bool {
        ["Compilation Error", "Runtime Error", "Database Error", "Parsing Error", "Dependency Error"].contains(line)
    }
}

/// Seconds as the shell's tables print them: `45s`, `2m05s`, `1h03m`.
public enum Elapsed {
    /// Any number of seconds, safely (`?` for one that is not finite or is negative).
    public static func text(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let total = seconds >= 1e15 ? Int(1e15) : Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3_600 { return "\(total / 60)m" + twoDigits(total % 60) + "s" }
        return "\(total / 3_600)h" + twoDigits(total % 3_600 / 60) + "m"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension StepFacts {
    /// How the story names the step: "`dbt build`" for a dbt step, “Clone git repository” for others.
    public var label: String { Headline.describe(self) }
}
