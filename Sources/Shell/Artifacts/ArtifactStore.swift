import DbtArtifacts
import DbtCloud
import Foundation
import Synchronization

/// Fetches run artifacts, picking the step that ran the dbt command when none is given, and
/// keeps those of finished runs on disk: they never change, so they are never fetched twice.
struct ArtifactStore {
    let session: Session

    /// The artifact's bytes and the step they came from (nil = dbt Cloud's default, the last step).
    func data(runID: Int, path: String, step: Int?) async throws -> (data: Data, step: Int?) {
        try ArtifactPath.validate(path)
        let account = try session.requireAccount()
        let client = try session.api()
        var chosenStep = step
        var finished = false
        if step == nil || session.services.cacheDirectory != nil {
            let (steps, ended) = try await self.steps(runID: runID)
            finished = ended
            if step == nil, StepChooser.dependsOnStep(path) {
                chosenStep = StepChooser.executingStep(steps)
            }
        }
        let cacheFile = finished ? cacheURL(account: account, runID: runID, step: chosenStep, path: path) : nil
        if let cacheFile, let cached = try? Data(contentsOf: cacheFile) { return (cached, chosenStep) }
        let data = try await client.artifactData(accountID: account, runID: runID, path: path, step: chosenStep)
        if let cacheFile { try? AtomicFile.write(data, to: cacheFile) }
        return (data, chosenStep)
    }

    /// The run's steps, and whether it has finished (then they are asked for once per session).
    func steps(runID: Int) async throws -> (steps: [RunStep], finished: Bool) {
        if let known = session.finishedRuns.steps(of: runID) { return (known, true) }
        let run = try await session.api().run(accountID: try session.requireAccount(), id: runID, include: [.runSteps])
        if run.isFinished { session.finishedRuns.remember(runID, steps: run.steps) }
        return (run.steps, run.isFinished)
    }

    func runResults(runID: Int, step: Int?) async throws -> RunResults {
        let (data, _) = try await data(runID: runID, path: "run_results.json", step: step)
        return try RunResults.decode(data)
    }

    func manifest(runID: Int, step: Int?) async throws -> Manifest {
        let (data, _) = try await data(runID: runID, path: "manifest.json", step: step)
        return try Manifest.decode(data)
    }

    private func cacheURL(account: Int, runID: Int, step: Int?, path: String) -> URL? {
        guard let root = session.services.cacheDirectory else { return nil }
        let host = session.services.client?.host.apiBaseURL.host ?? "unknown-host"
        let port = session.services.client?.host.apiBaseURL.port.map { "_\($0)" } ?? ""
        return root.appendingPathComponent("artifacts/\(host)\(port)/\(account)/\(runID)/\(step.map { "step-\($0)" } ?? "default")/\(path)")
    }
}

/// Which step's artifacts tell what a run did: the one that ran `dbt build/run/test/…`,
/// not the last one (a docs-generate step writes an all-green run_results.json).
enum StepChooser {
    static let executingCommands: Set<String> = ["build", "run", "test", "seed", "snapshot", "run-operation", "clone"]

    static func dependsOnStep(_ path: String) -> Bool {
        ["run_results.json", "manifest.json"].contains(path)
    }

    /// The failed executing step if any, else the last executing step; nil when none ran dbt.
    static func executingStep(_ steps: [RunStep]) -> Int? {
        let executing = steps.filter { step in
            guard let command = dbtSubcommand(of: step.name ?? "") else { return false }
            return executingCommands.contains(command)
        }
        if let failed = executing.first(where: { $0.status == .error }) { return failed.index }
        return executing.last?.index
    }

    /// `Invoke dbt with \`dbt build -s x\`` → `build`.
    static func dbtSubcommand(of stepName: String) -> String? {
        guard let range = stepName.range(of: "dbt ", options: .backwards) else { return nil }
        let rest = stepName[range.upperBound...]
        let words = rest.split(whereSeparator: { $0 == " " || $0 == "`" })
        return words.first { !$0.hasPrefix("-") }.map(String.init)
    }
}

/// What a step's artifacts can hold: `target/` as the steps up to it left it. dbt Cloud's list
/// of a run's artifacts may ignore `?step=` (the API documents no step for it), so the files
/// that only a later step writes are left out, and a step before any dbt command that writes
/// to `target/` (clone, profile, `dbt deps`) has none.
enum StepArtifacts {
    /// Files only one dbt command writes, by that command's first word.
    static let writtenOnlyBy = ["catalog.json": "docs", "sources.json": "source"]
    /// dbt commands that leave nothing in `target/`.
    static let writeNothing: Set<String> = ["deps", "clean", "debug", "init"]

    static func possible(_ paths: [String], upTo step: Int, of steps: [RunStep]) -> [String] {
        let commands = Set(steps.filter { ($0.index ?? .max) <= step }.compactMap { StepChooser.dbtSubcommand(of: $0.name ?? "") })
            .subtracting(writeNothing)
        guard !commands.isEmpty else { return [] }
        return paths.filter { path in writtenOnlyBy[path].map(commands.contains) ?? true }
    }
}

enum ArtifactPath {
    /// Artifact paths are relative to `target/`: never absolute, never with `..`.
    static func validate(_ path: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("~"), !parts.contains(".."), !path.contains("\0") else {
            throw CommandFailure.usage("artifact path '\(path)' is not allowed: it must be relative to target/ and must not contain '..'")
        }
    }
}

/// Writes to a temporary file beside the target and renames it into place, so a target is
/// either complete or absent. A target that cannot be written is a usage error.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure.usage("cannot write \(url.path): cannot create \(directory.path)")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        do {
            try data.write(to: temporary)
        } catch {
            throw CommandFailure.usage("cannot write \(url.path): check that \(directory.path) is writable and has space")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CommandFailure.usage("cannot write \(url.path): \(reason)")
        }
    }
}

/// The steps of runs known to be finished: they never change, so a session asks once.
public final class FinishedRuns: Sendable {
    private let steps = Mutex<[Int: [RunStep]]>([:])

    public init() {}

    func steps(of runID: Int) -> [RunStep]? { steps.withLock { $0[runID] } }
    func remember(_ runID: Int, steps known: [RunStep]) { steps.withLock { $0[runID] = known } }
}
