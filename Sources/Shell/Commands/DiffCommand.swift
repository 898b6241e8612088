import DbtArtifacts
import DbtCloud
import Foundation

struct DiffCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "diff", summary: "per-node status and timing changes between two runs",
        discussion: "diff OLD NEW compares two runs; diff OLD compares OLD with the context's run; plain diff compares the context's run with the last successful run of its job before it.",
        examples: ["diff", "diff 901 902", "diff 901 --json", "diff 901 902 --output csv"],
        fields: NodeChange.fields.map(\.key))
    @Argument("OLD", .run) var oldRun: String?
    @Argument("NEW", .run) var newRunRef: String?
    @Option("top", valueName: "N", help: "how many timing changes (default 10)") var top = 10
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let resolver = EntityResolver(session: session)
        let newRun: Run
        if let text = newRunRef {
            newRun = try await resolver.run(text)
        } else {
            newRun = try await resolver.run(String(try await session.requireRun()))
        }
        let oldRunID: Int
        if let text = oldRun {
            oldRunID = try await resolver.run(text).id
        } else {
            oldRunID = try await lastSuccess(before: newRun, session: session)
        }
        let store = ArtifactStore(session: session)
        let missing = MissingArtifact(session: session)
        let newRunID = newRun.id
        async let old = missing.explaining(runID: oldRunID) { try await store.runResults(runID: oldRunID, step: nil) }
        let new = try await missing.explaining(runID: newRunID) { try await store.runResults(runID: newRunID, step: nil) }
        let diff = RunDiff(old: try await old, new: new, topTimingChanges: top)
        let data = DataOutput(session, output, command: "diff")
        // What changed between the runs (git, dbt version, threads…): for the report and its JSON.
        let changes = [.table, .json].contains(data.format) ? await ChangesBetweenRuns.load(oldRunID, newRunID, session: session) : nil
        let oldSummary = try JSONText.value(diff.oldSummary), newSummary = try JSONText.value(diff.newSummary)
        let runChanges = try changes.map { try JSONText.value($0.changes) } ?? .null
        try data.print(DataRows(NodeChange.all(in: diff), fields: NodeChange.fields), document: { nodeChanges in
            .object(["old_run_id": .int(oldRunID), "new_run_id": .int(newRunID), "old_summary": oldSummary,
                     "new_summary": newSummary, "run_changes": runChanges, "changes": nodeChanges])
        }) {
            DiffText(diff: diff, oldRunID: oldRunID, newRunID: newRunID, changes: changes).print(to: session.console)
        }
        return 0
    }

    private func lastSuccess(before run: Run, session: Session) async throws -> Int {
        guard let jobID = run.jobID else { throw CommandFailure.usage("diff: run \(run.id) has no job; name both runs") }
        let page = try await session.api().runs(accountID: try session.requireAccount(),
                                                filter: RunFilter(jobID: jobID, statuses: [.success]), limit: 100)
        guard let previous = page.items.first(where: { $0.id < run.id }) ?? page.items.first(where: { $0.id != run.id }) else {
            throw CommandFailure.apiRefused("diff: job \(jobID) has no successful run to compare run \(run.id) with; name both runs")
        }
        return previous.id
    }
}

struct DiffText {
    let diff: RunDiff
    let oldRunID: Int
    let newRunID: Int
    var changes: RunChanges?

    func print(to console: Console) {
        console.line("run \(oldRunID) → run \(newRunID)")
        console.line("  before: \(diff.oldSummary.line)")
        console.line("  after:  \(diff.newSummary.line)")
        if let changes { ChangesText.print(changes, to: console) }
        section("new failures", diff.newFailures, console)
        section("fixed", diff.fixed, console)
        let others = diff.statusChanges.filter { change in
            !diff.newFailures.contains(change) && !diff.fixed.contains(change)
        }
        section("other status changes", others, console)
        if !diff.added.isEmpty { console.line("\nadded: " + diff.added.map(NodeNames.shortName).joined(separator: ", ")) }
        if !diff.removed.isEmpty { console.line("\nremoved: " + diff.removed.map(NodeNames.shortName).joined(separator: ", ")) }
        if !diff.timingChanges.isEmpty {
            console.line("\nlargest timing changes")
            let rows = diff.timingChanges.map { change in
                [NodeNames.shortName(change.uniqueID), String(format: "%.2fs", change.old), String(format: "%.2fs", change.new),
                 String(format: "%+.2fs", change.delta)]
            }
            console.out(Table(headers: ["NODE", "BEFORE", "AFTER", "CHANGE"], rows: rows, numeric: [1, 2, 3]).render(width: console.width))
        }
    }

    private func section(_ title: String, _ changes: [RunDiff.StatusChange], _ console: Console) {
        guard !changes.isEmpty else { return }
        console.line("\n\(title) (\(changes.count))")
        for change in changes {
            console.line("  \(NodeNames.shortName(change.uniqueID).padding(44))\(change.old?.rawValue ?? "absent") → \(change.new.rawValue)")
        }
    }
}

/// One node that changed between two runs, as the data formats of `diff` show it: its status
/// change (`new_failure`, `fixed`, `status`, `added`, `removed`) or, failing that, a large
/// timing change (`timing`), with its times when it is among the largest.
struct NodeChange {
    let uniqueID: String
    let change: String
    let old: NodeStatus?
    let new: NodeStatus?
    let timing: RunDiff.TimingChange?

    static func all(in diff: RunDiff) -> [NodeChange] {
        let timings = Dictionary(diff.timingChanges.map { ($0.uniqueID, $0) }, uniquingKeysWith: { first, _ in first })
        var changes = diff.statusChanges.map { status in
            let kind = diff.newFailures.contains(status) ? "new_failure" : diff.fixed.contains(status) ? "fixed" : "status"
            return NodeChange(uniqueID: status.uniqueID, change: kind, old: status.old, new: status.new, timing: timings[status.uniqueID])
        }
        changes += diff.added.map { NodeChange(uniqueID: $0, change: "added", old: nil, new: nil, timing: nil) }
        changes += diff.removed.map { NodeChange(uniqueID: $0, change: "removed", old: nil, new: nil, timing: nil) }
        let listed = Set(changes.map(\.uniqueID))
        changes += diff.timingChanges.filter { !listed.contains($0.uniqueID) }.map {
            NodeChange(uniqueID: $0.uniqueID, change: "timing", old: nil, new: nil, timing: $0)
        }
        return changes
    }

    private static func seconds(_ value: Double?) -> JSONValue {
        value.map { .double(($0 * 1000).rounded() / 1000) } ?? .null
    }

    static var fields: [DataField<NodeChange>] {
        [
            .init("name", .init("NODE", priority: 1)) { .string(NodeNames.shortName($0.uniqueID)) },
            .init("unique_id", .init("UNIQUE ID", priority: 5), inTable: false) { .string($0.uniqueID) },
            .init("change", .init("CHANGE", priority: 0, truncates: false)) { .string($0.change) },
            .init("old_status", .init("BEFORE", priority: 2, truncates: false), style: { $0.old.flatMap(StatusStyle.of) }) {
                $0.old.map { .string($0.rawValue) } ?? .null
            },
            .init("new_status", .init("AFTER", priority: 2, truncates: false), style: { $0.new.flatMap(StatusStyle.of) }) {
                $0.new.map { .string($0.rawValue) } ?? .null
            },
            .init("old_seconds", .init("OLD TIME", alignment: .right, priority: 3, truncates: false),
                  text: { $0.timing.map { String(format: "%.2fs", $0.old) } ?? "" }) { seconds($0.timing?.old) },
            .init("new_seconds", .init("NEW TIME", alignment: .right, priority: 3, truncates: false),
                  text: { $0.timing.map { String(format: "%.2fs", $0.new) } ?? "" }) { seconds($0.timing?.new) },
            .init("delta_seconds", .init("CHANGE (s)", alignment: .right, priority: 3, truncates: false),
                  text: { $0.timing.map { String(format: "%+.2fs", $0.delta) } ?? "" }) { seconds($0.timing?.delta) },
        ]
    }
}
