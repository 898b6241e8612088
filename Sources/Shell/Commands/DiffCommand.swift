import DbtArtifacts
import DbtCloud
import Foundation

struct DiffCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "diff", summary: "per-node status and timing changes between two runs",
        discussion: "diff OLD NEW compares two runs; diff OLD compares OLD with the context's run; plain diff compares the context's run with the last successful run of its job before it.",
        examples: ["diff", "diff 901 902", "diff 901 --json"])
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
        if output.wantsJSON(in: session) {
            session.console.line(try JSONText.encode(diff))
            return 0
        }
        let changes = await ChangesBetweenRuns.load(oldRunID, newRunID, session: session)
        DiffText(diff: diff, oldRunID: oldRunID, newRunID: newRun.id, changes: changes).print(to: session.console)
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
