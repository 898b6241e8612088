import DbtArtifacts
import DbtCloud
import Foundation
import TerminalText

/// `explain` as text: one screen that says what happened to a run, where, why, what changed
/// since the job last passed, and what to type next.
struct ExplainText {
    let explained: ExplainedRun
    let history: ChangesSinceSuccess?
    let next: [NextCommand]

    /// Failures shown in full; the rest are counted (`failures` lists them all).
    static let shownFailures = 5
    static let shownLogLines = 10

    var story: RunStory { explained.story }

    func print(to console: Console) {
        console.line(.styled(titleLine, .heading))
        printStory(to: console)
        printHistory(to: console)
        if !next.isEmpty {
            console.line()
            console.line(.styled("next:", .heading))
            let width = min(48, (next.map(\.command.count).max() ?? 0) + 2)
            for command in next {
                let shown = command.command.count + 2 > width ? command.command + "  " : command.command.padding(width)
                console.line("    " + shown + command.why)
            }
        }
    }

    /// What happened and the evidence, without the run's title, the history or what to do next.
    func printStory(to console: Console) {
        console.line(.styled(story.headline, headlineStyle))
        if let message = explained.facts.statusMessage, !message.isEmpty, !story.headline.contains(message) {
            console.line("dbt Cloud says: \(message)")
        }
        let notRun = Self.commandsNotRun(explained.facts)
        if !notRun.isEmpty { console.line("did not run: " + notRun.map { "`\($0)`" }.joined(separator: ", ")) }
        printEvidence(to: console)
        for request in explained.missing {
            console.errorLine("note: dbt Cloud has no \(request.path) for step \(request.step); the story is told from the log")
        }
    }

    // MARK: - The first lines

    /// `run 959 · job 43201 Daily build · error · 2026-11-28 02:00 · ran 3m12s`
    var titleLine: String {
        let run = explained.run
        var parts = ["run \(run.id)"]
        if let job = run.jobID { parts.append("job \(job)" + (explained.loaded.jobName.map { " \($0)" } ?? "")) }
        parts.append(explained.facts.status.name)
        if let created = run.createdAt { parts.append(TimeText.short(created)) }
        if let seconds = explained.facts.runDurationSeconds, seconds > 0 {
            parts.append((run.isFinished ? "ran " : "running for ") + Elapsed.text(seconds))
        }
        return parts.joined(separator: " · ")
    }

    private var headlineStyle: TextStyle {
        switch story.verdict {
        case .succeeded: .success
        case .running, .queued: .active
        case .cancelled: .warning
        default: .failure
        }
    }

    /// The job's commands this run never got to (it stops at its first failing step).
    static func commandsNotRun(_ run: RunFacts) -> [String] {
        guard run.status.isFinished, run.status != .success else { return [] }
        let planned = run.overrides?.executeSteps ?? run.job?.executeSteps ?? []
        let ran = Set(run.steps.compactMap { step -> String? in
            if case .dbt(_, let command) = step.role { return command }
            return nil
        })
        return planned.filter { !ran.contains($0.trimmingCharacters(in: .whitespaces)) }
    }

    // MARK: - The evidence

    private func printEvidence(to console: Console) {
        if let nodes = story.nodes { printNodes(nodes, to: console) }
        if !story.errorLines.isEmpty {
            console.line()
            let source = story.step.map { " (log of step \($0.index))" } ?? ""
            console.line(.styled("\(story.verdict.rawValue)\(source):", .heading))
            for line in story.errorLines { console.line("    " + line) }
            if let node = story.namedNode { console.line("    node: \(node)") }
            if let file = story.namedFile { console.line("    file: \(file)") }
        }
        if let freshness = story.freshness { FreshnessText.print(freshness, to: console) }
        if !story.loggedFailures.isEmpty { printLogged(story.loggedFailures, to: console) }
        if !story.unfinished.isEmpty {
            console.line()
            let verb = story.verdict == .running ? "running now" : "was running when it stopped"
            console.line(.styled("\(verb):", .heading))
            for node in story.unfinished.prefix(8) {
                let started = node.startedAt.map { " (started \($0))" } ?? ""
                console.line("    \(node.description)\(started)")
            }
            if story.unfinished.count > 8 { console.line("    … and \(story.unfinished.count - 8) more") }
        }
        if story.verdict == .running || story.verdict == .queued { StepsText.print(explained.facts.steps, to: console) }
        if !story.logTail.isEmpty {
            console.line()
            let index = story.step.map { " of step \($0.index)" } ?? ""
            console.line(.styled("the last lines of the log\(index):", .heading))
            for line in story.logTail.suffix(Self.shownLogLines) { console.line("    " + line) }
        }
    }

    private func printNodes(_ nodes: NodeFailures, to console: Console) {
        for failure in Self.byBlocked(nodes).prefix(Self.shownFailures) {
            console.line()
            NodeFailureText.print(failure, to: console)
        }
        if nodes.failures.count > Self.shownFailures {
            console.line()
            console.line("… and \(nodes.failures.count - Self.shownFailures) more failures ('failures' lists them)")
        }
        if !nodes.warnings.isEmpty {
            console.line()
            for warning in nodes.warnings {
                let line = NodeFailureText.keyLine(warning.problem.messageLines)
                console.line("\("WARN", style: .warning)  \(warning.problem.resourceType) \(warning.name)" + (line.map { ": \($0)" } ?? ""))
            }
        }
        SkipGroupsText.print(nodes.skipGroups, to: console)
    }

    /// The failures that blocked the most nodes first (run order among equals).
    static func byBlocked(_ nodes: NodeFailures) -> [NodeFailure] {
        var blocked: [String: Int] = [:]
        for group in nodes.skipGroups {
            for cause in group.causes { blocked[cause.uniqueID, default: 0] += group.count }
        }
        return nodes.failures.enumerated().sorted { lhs, rhs in
            let (a, b) = (blocked[lhs.element.uniqueID] ?? 0, blocked[rhs.element.uniqueID] ?? 0)
            return a != b ? a > b : lhs.offset < rhs.offset
        }.map(\.element)
    }

    private func printLogged(_ logged: [LoggedFailure], to console: Console) {
        console.line()
        console.line(.styled("from the end of the log (dbt's summary):", .heading))
        for failure in logged.prefix(Self.shownFailures + 3) {
            let label = failure.isWarning ? "WARN" : "ERROR"
            let path = failure.path.map { " (\($0))" } ?? ""
            console.line("\(label, style: failure.isWarning ? .warning : .failure)  \(failure.resourceType) \(failure.name)\(path) · \(failure.kind.label)")
            let title = " in \(failure.resourceType) \(failure.name)"
            for line in NodeFailureText.keyLines(failure.messageLines, title: title, limit: 2) { console.line("    " + line) }
        }
        if logged.count > Self.shownFailures + 3 { console.line("… and \(logged.count - Self.shownFailures - 3) more") }
    }

    // MARK: - What changed

    private func printHistory(to console: Console) {
        guard let history, story.verdict.isFailure else { return }
        console.line()
        guard let good = history.lastSuccess else {
            let job = explained.run.jobID.map { "job \($0)" } ?? "the job"
            let scope = history.searched >= ChangesSinceSuccess.pageSize ? "in its last \(history.searched) runs" : "before this run"
            console.line(.styled("\(job) has no successful run \(scope)", .heading))
            return
        }
        let when = good.createdAt.map { " on \(TimeText.short($0))" } ?? ""
        let streak = history.runsSince == 1 ? "the run before this one" : "\(history.runsSince) runs before this one"
        console.line(.styled("changed since run \(good.id) passed\(when) (\(streak)):", .heading))
        let lines = history.changes.map { ChangesText.lines($0.changes) } ?? []
        if lines.isEmpty { console.line("    nothing in git, dbt version, commands, threads or target") }
        for line in lines { console.line("    " + line) }
        if let first = history.firstAfter, first.id != explained.run.id {
            console.line("    failing since run \(first.id)" + (first.createdAt.map { " (\(TimeText.short($0)))" } ?? ""))
        }
    }

    // MARK: - Short form (run --wait, wait, retry --wait)

    /// A few lines for stderr when a waited-for run fails: what, where, the key error lines, next.
    static func brief(_ explained: ExplainedRun, next: [NextCommand]) -> [ConsoleText] {
        let story = explained.story
        let run = explained.facts
        var first = "run \(run.id) ended in \(run.status == .cancelled ? "cancellation" : "error")"
        let failedStep = run.steps.first { $0.status == .error } ?? story.step
        if let step = failedStep { first += " at step \(step.index) (\(step.name))" }
        if let step = failedStep, story.headline.hasPrefix("step \(step.index) "), let range = story.headline.range(of: " failed") {
            first += String(story.headline[range.upperBound...])
        } else {
            first += ": " + story.headline
        }
        var lines: [ConsoleText] = [ConsoleText(first)]
        var evidence: [ConsoleText] = []
        for failure in story.nodes.map(byBlocked) ?? [] {
            let line = NodeFailureText.keyLine(failure.problem.messageLines).map { ": \($0)" } ?? ""
            evidence.append("\(failure.problem.status.rawValue.uppercased(), style: .failure) \(failure.problem.resourceType) \(failure.name)\(line)")
        }
        for failure in story.loggedFailures where !failure.isWarning {
            let line = NodeFailureText.keyLine(failure.messageLines).map { ": \($0)" } ?? ""
            evidence.append("\("ERROR", style: .failure) \(failure.resourceType) \(failure.name)\(line)")
        }
        for entry in story.freshness?.entries ?? [] where entry.outcome == .stale || entry.outcome == .runtimeError {
            evidence.append("\(entry.outcome.rawValue.uppercased(), style: .failure) source \(entry.source)")
        }
        if evidence.isEmpty, let line = NodeFailureText.keyLine(story.errorLines), !first.contains(line) { evidence.append(ConsoleText(line)) }
        lines += evidence.prefix(3).map { ConsoleText("  ") + $0 }
        if evidence.count > 3 { lines.append(ConsoleText("  … and \(evidence.count - 3) more")) }
        let commands = ["explain \(run.id)"] + next.map(\.command).filter { !$0.hasPrefix("explain") }.prefix(2)
        lines.append(ConsoleText("next: " + commands.map { "'\($0)'" }.joined(separator: ", ")))
        return lines
    }
}

/// One failing node: status, type, name and kind, its message, where it lives, and the
/// compiled SQL around the line the error names.
enum NodeFailureText {
    static func print(_ failure: NodeFailure, to console: Console) {
        let problem = failure.problem
        let status = problem.status.rawValue.uppercased()
        console.line("\(status, style: .failure)  \(problem.resourceType) \(problem.name) · \(failure.kind.label)")
        // The excerpt below shows the line the warehouse's `LINE 24:` names.
        for line in keyLines(problem) where failure.sqlExcerpt == nil || !line.hasPrefix("LINE ") { console.line("    " + line) }
        if let failures = problem.failures, failures > 0 { console.line("    failures: \(failures)") }
        if let relation = problem.relationName { console.line("    relation: \(relation)") }
        let file = problem.resourceType == "test" ? (problem.patchPath ?? problem.filePath) : (problem.filePath ?? problem.patchPath)
        if let file { console.line("    file: \(file)") }
        if let excerpt = failure.sqlExcerpt { SQLExcerptText.print(excerpt, to: console) }
    }

    /// The first lines of the message that say something: not the `Runtime Error in model x
    /// (path)` title (the header and `file:` say it), a `label:` joined to the line it introduces.
    static func keyLines(_ problem: NodeProblem, limit: Int = 3) -> [String] {
        let lines = keyLines((problem.message ?? "").split(separator: "\n").map(String.init),
                             title: " in \(problem.resourceType) \(problem.name)", limit: limit)
        return lines.isEmpty ? problem.messageLines : lines
    }

    static func keyLines(_ message: [String], title: String, limit: Int = 3) -> [String] {
        var lines: [String] = []
        var pendingLabel: String?
        for raw in message {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.contains(title), !line.allSatisfy({ $0 == "^" }) else { continue }
            if let label = pendingLabel {
                lines.append(label + " " + line)
                pendingLabel = nil
            } else if line.hasSuffix(":"), !line.hasPrefix("LINE ") {
                pendingLabel = line
                continue
            } else {
                lines.append(line)
            }
            if lines.count == limit { break }
        }
        if let pendingLabel, lines.count < limit { lines.append(pendingLabel) }
        return lines
    }

    /// The line of a message that says most: not a bare title such as `Runtime Error in model x (path)`.
    static func keyLine(_ lines: [String]) -> String? {
        let titles = ["Runtime Error in ", "Database Error in ", "Compilation Error in ", "Failure in ", "Warning in "]
        let bare = ["Runtime Error", "Database Error", "Compilation Error", "Parsing Error", "Dependency Error", "Encountered an error:"]
        return lines.first { line in !titles.contains { line.hasPrefix($0) } && !bare.contains(line) } ?? lines.first
    }
}

enum SQLExcerptText {
    static func print(_ excerpt: SQLExcerpt, to console: Console) {
        let reported = excerpt.reportedLine == excerpt.errorLine ? "" : " (the warehouse said LINE \(excerpt.reportedLine))"
        console.line("    compiled SQL, line \(excerpt.errorLine)\(reported):")
        let width = String(excerpt.lines.last?.number ?? 0).count
        for line in excerpt.lines {
            let number = String(line.number)
            let gutter = (line.isError ? "  > " : "    ") + String(repeating: " ", count: max(0, width - number.count)) + number + " | "
            if line.isError {
                console.line("    " + ConsoleText.styled(gutter + line.text, .failure))
            } else {
                console.line("    " + gutter + line.text)
            }
        }
    }
}

/// Skipped nodes, counted by the failure that caused them (`failures --all` lists them).
enum SkipGroupsText {
    static func print(_ groups: [SkipGroup], leadingBlank: Bool = true, to console: Console) {
        let total = groups.reduce(0) { $0 + $1.count }
        guard total > 0 else { return }
        if leadingBlank { console.line() }
        console.line("\("SKIPPED", style: .muted)  \(total) node\(total == 1 ? "" : "s"), by cause ('failures --all' lists them)")
        let width = String(groups.first?.count ?? 0).count
        for group in groups {
            let count = String(group.count)
            let causes = group.causes.map { "\(NodeNames.shortName($0.uniqueID)) (\($0.status.rawValue))" }.joined(separator: ", ")
            console.line("    " + String(repeating: " ", count: max(0, width - count.count)) + count + "  " + (causes.isEmpty ? "an upstream failure" : causes))
        }
    }
}

/// A freshness step's findings: each stale or unchecked source with its numbers and criteria.
enum FreshnessText {
    static func print(_ freshness: FreshnessStory, to console: Console) {
        let shown = freshness.entries.filter { $0.outcome != .pass }
        guard !shown.isEmpty else { return }
        console.line()
        let rows = shown.map { entry in
            [entry.source, entry.outcome.rawValue, entry.maxLoadedAt.map { Timestamp.parse($0).map(TimeText.short) ?? $0 } ?? "",
             entry.ageSeconds.map(Elapsed.text) ?? "",
             entry.warnAfter ?? "", entry.errorAfter ?? ""]
        }
        console.out(Table(headers: ["SOURCE", "STATUS", "MAX LOADED AT", "AGE", "WARN AFTER", "ERROR AFTER"], rows: rows, numeric: [3])
            .render(width: console.width))
        for entry in shown where !entry.messageLines.isEmpty {
            console.line("\(entry.source)" + (entry.path.map { " (\($0))" } ?? "") + ":")
            let table = entry.source.split(separator: ".").last.map(String.init) ?? entry.source
            for line in NodeFailureText.keyLines(entry.messageLines, title: " in source \(table)") { console.line("    " + line) }
        }
        if !freshness.passed.isEmpty {
            console.line("\(freshness.passed.count) other source\(freshness.passed.count == 1 ? "" : "s") fresh")
        }
    }
}

/// The steps of a run so far (a running run).
enum StepsText {
    static func print(_ steps: [StepFacts], to console: Console) {
        guard !steps.isEmpty else { return }
        console.line()
        let rows = steps.map { step in
            [String(step.index), step.status.name, step.durationSeconds.map(Elapsed.text) ?? "", step.name]
        }
        console.out(Table(headers: ["#", "STATUS", "DURATION", "NAME"], rows: rows, numeric: [0, 2]).render(width: console.width))
    }
}

extension NodeErrorKind {
    /// `database error`, `seed error`, `test failure`.
    var label: String { isTest ? rawValue : rawValue + " error" }
}

/// The short form of `explain` that `run --wait`, `retry --wait` and `wait` print on stderr
/// when the run fails (stdout keeps only the final run, for scripts).
enum FailureBrief {
    /// nil when the story cannot be read (the caller says the plain line instead).
    static func lines(for run: Run, session: Session) async -> [ConsoleText]? {
        let loader = RunStoryLoader(session: session)
        guard let loaded = try? loader.loaded(run), let explained = try? await loader.explain(loaded) else { return nil }
        let next = NextCommands(
            runID: run.id, jobID: run.jobID, session: session, lastSuccessID: nil,
            skippedCount: explained.story.nodes?.skippedCount ?? 0
        ).spell(explained.story.nextSteps)
        return ExplainText.brief(explained, next: next)
    }
}
