import DbtArtifacts
import DbtCloud
import Foundation

/// Where a run stands in its job's history: the last run before it that succeeded, how many
/// runs since did not, and what changed between that run and this one.
struct ChangesSinceSuccess: Sendable {
    /// The last successful run before the run explained; nil when none was found.
    let lastSuccess: Run?
    /// The first run after `lastSuccess` (the start of the streak).
    let firstAfter: Run?
    /// Runs after `lastSuccess` up to and including the run explained.
    let runsSince: Int
    /// How many of the job's runs were looked at (one page, newest first).
    let searched: Int
    let changes: RunChanges?

    /// One page of the job's runs is enough to find the last success of a job that runs daily
    /// or hourly; a longer streak is said as such.
    static let pageSize = 100

    /// Two requests: one page of the job's runs, then the last success with its steps (the
    /// dbt version and threads are read from its logs).
    static func load(for run: LoadedRun, session: Session) async throws -> ChangesSinceSuccess? {
        guard let jobID = run.run.jobID else { return nil }
        let page = try await session.api().runs(accountID: try session.requireAccount(), filter: RunFilter(jobID: jobID), limit: pageSize)
        let earlier = page.items.filter { $0.id < run.run.id }.sorted { $0.id > $1.id }
        guard let index = earlier.firstIndex(where: { $0.status == .success }) else {
            return ChangesSinceSuccess(lastSuccess: nil, firstAfter: earlier.last, runsSince: earlier.count + 1,
                                       searched: page.items.count, changes: nil)
        }
        let good = earlier[index]
        let goodLoaded = try await RunStoryLoader(session: session).run(good.id)
        return ChangesSinceSuccess(
            lastSuccess: good, firstAfter: index > 0 ? earlier[index - 1] : run.run, runsSince: index + 1,
            searched: page.items.count, changes: RunChanges(from: goodLoaded.facts, to: run.facts))
    }
}

/// What changed between two runs the user named (`diff OLD NEW`): both read with their steps.
enum ChangesBetweenRuns {
    /// nil when either run cannot be read: the node diff is still worth printing.
    static func load(_ oldRunID: Int, _ newRunID: Int, session: Session) async -> RunChanges? {
        let loader = RunStoryLoader(session: session)
        async let old = try? loader.run(oldRunID)
        guard let new = try? await loader.run(newRunID), let old = await old else { return nil }
        return RunChanges(from: old.facts, to: new.facts)
    }
}

/// `RunChanges` as aligned lines: `git sha      1a2b3c4 → 9f8e7d6   git log 1a2b3c4..9f8e7d6`.
enum ChangesText {
    /// A `what changed` section (for `diff`).
    static func print(_ changes: RunChanges, to console: Console) {
        let lines = Self.lines(changes.changes)
        console.line()
        console.line("what changed" + (lines.isEmpty ? ": nothing in git, dbt version, commands, threads or target" : ""))
        for line in lines { console.line("  " + line) }
    }

    static func lines(_ changes: [RunChange]) -> [String] {
        changes.map { change in
            let before = change.before.map { shown($0, change.aspect) } ?? "none"
            let after = change.after.map { shown($0, change.aspect) } ?? "none"
            var line = change.aspect.rawValue.padding(13) + "\(before) → \(after)"
            if change.aspect == .gitSHA, change.before != nil, change.after != nil {
                line += "   git log \(before)..\(after)"
            }
            return line
        }
    }

    /// A commit as git prints it short.
    static func shortSHA(_ sha: String) -> String { String(sha.prefix(7)) }

    private static func shown(_ value: String, _ aspect: RunChange.Aspect) -> String {
        aspect == .gitSHA ? shortSHA(value) : value
    }
}
