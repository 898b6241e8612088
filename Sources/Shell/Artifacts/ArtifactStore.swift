import DbtArtifacts
import DbtCloud
import Foundation
import Synchronization

/// Fetches run artifacts, picking the step that ran the dbt command when none is given, and
/// keeps those of finished runs in the disk cache (`ArtifactCache`): they never change, so they
/// are fetched once. Artifacts stream to files: memory stays bounded whatever their size, and
/// they are decoded from the file (memory-mapped), never held whole in the heap.
struct ArtifactStore {
    let session: Session
    /// False for `--no-cache`: neither read nor written.
    var usesCache = true

    /// Where an artifact that is not cached is written.
    enum Placement {
        /// A scratch file, removed by `LocalArtifact.discard()`.
        case temporary
        /// The caller's own file (written atomically).
        case file(URL)
    }

    /// The artifact's file (maybe the cache's own, never to be changed), the step it came from
    /// (nil = dbt Cloud's default, the last step) and its size.
    func fetch(runID: Int, path: String, step: Int?, into placement: Placement = .temporary) async throws -> LocalArtifact {
        _ = try ArtifactPath.validate(path)
        let account = try session.requireAccount()
        let client = try session.api()
        var chosenStep = step
        var finished = false
        if step == nil || cache != nil {
            let (steps, ended) = try await self.steps(runID: runID)
            finished = ended
            if step == nil, StepChooser.dependsOnStep(path) {
                chosenStep = StepChooser.executingStep(steps)
            }
        }
        if finished, let cache {
            let cached = cache.url(host: client.host, account: account, runID: runID, step: chosenStep, path: path)
            if cache.lookUp(cached) { return LocalArtifact(url: cached, step: chosenStep, isTemporary: false) }
            try await client.downloadArtifact(accountID: account, runID: runID, path: path, step: chosenStep, to: cached)
            let kept = cache.admit(cached)
            return LocalArtifact(url: cached, step: chosenStep, isTemporary: !kept)
        }
        let target: URL
        switch placement {
        case .file(let url): target = url
        case .temporary: target = LocalArtifact.scratchURL(for: path)
        }
        try await client.downloadArtifact(accountID: account, runID: runID, path: path, step: chosenStep, to: target)
        return LocalArtifact(url: target, step: chosenStep, isTemporary: placement.isTemporary)
    }

    /// The artifact's bytes, mapped from its file, and the step they came from.
    func data(runID: Int, path: String, step: Int?) async throws -> (data: Data, step: Int?) {
        let artifact = try await fetch(runID: runID, path: path, step: step)
        defer { artifact.discard() }
        return (try artifact.mappedData(), artifact.step)
    }

    /// The run's steps, and whether it has finished (then they are asked for once per session).
    func steps(runID: Int) async throws -> (steps: [RunStep], finished: Bool) {
        if let known = session.finishedRuns.steps(of: runID) { return (known, true) }
        let run = try await session.api().run(accountID: try session.requireAccount(), id: runID, include: [.runSteps])
        if run.isFinished { session.finishedRuns.remember(runID, steps: run.steps) }
        return (run.steps, run.isFinished)
    }

    func runResults(runID: Int, step: Int?) async throws -> RunResults {
        try RunResults.decode(try await data(runID: runID, path: "run_results.json", step: step).data)
    }

    func manifest(runID: Int, step: Int?) async throws -> Manifest {
        try Manifest.decode(try await data(runID: runID, path: "manifest.json", step: step).data)
    }

    private var cache: ArtifactCache? {
        guard usesCache, let root = session.services.cacheDirectory else { return nil }
        return ArtifactCache(root: root, maxBytes: session.services.cacheMaxBytes)
    }
}

extension ArtifactStore.Placement {
    var isTemporary: Bool {
        if case .temporary = self { return true }
        return false
    }
}

/// An artifact on disk.
struct LocalArtifact {
    let url: URL
    let step: Int?
    /// A scratch file (or one too large for the cache), removed by `discard()`.
    let isTemporary: Bool

    var size: Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// The bytes, mapped rather than read: a 25 MB manifest costs no 25 MB of heap.
    func mappedData() throws -> Data {
        do {
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw CommandFailure("cannot read the downloaded \(url.lastPathComponent): \(error.localizedDescription)", exitCode: ExitCode.usage)
        }
    }

    func discard() {
        if isTemporary { try? FileManager.default.removeItem(at: url) }
    }

    /// The file to standard output in 1 MiB pieces (memory bounded whatever its size).
    func copy(to console: Console) throws {
        do {
            let input = try FileHandle(forReadingFrom: url)
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                console.outBytes(chunk)
            }
        } catch {
            throw CommandFailure("cannot read the downloaded \(url.lastPathComponent): \(error.localizedDescription)", exitCode: ExitCode.usage)
        }
    }

    static func scratchURL(for path: String) -> URL {
        let name = path.split(separator: "/").last.map(String.init) ?? "artifact"
        return FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-\(UUID().uuidString.prefix(12))-\(name)")
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

/// Writes to a temporary file beside the target and renames it into place, so a target is
/// either complete or absent. A target that cannot be written is a usage error.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let temporary = try temporaryFile(beside: url)
        do {
            try data.write(to: temporary)
        } catch {
            throw CommandFailure.usage("cannot write \(url.path): check that \(url.deletingLastPathComponent().path) is writable and has space")
        }
        try place(temporary, at: url)
    }

    /// Copies `source` to `url` in 1 MiB pieces (memory bounded whatever the size).
    static func copy(_ source: URL, to url: URL) throws {
        let temporary = try temporaryFile(beside: url)
        do {
            let input = try FileHandle(forReadingFrom: source)
            defer { try? input.close() }
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
            let output = try FileHandle(forWritingTo: temporary)
            defer { try? output.close() }
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CommandFailure.usage("cannot write \(url.path): check that \(url.deletingLastPathComponent().path) is writable and has space")
        }
        try place(temporary, at: url)
    }

    /// Creates the target's directory (one line naming it when that fails).
    static func prepareDirectory(for url: URL) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure.usage("cannot write \(url.path): cannot create \(directory.path)")
        }
    }

    private static func temporaryFile(beside url: URL) throws -> URL {
        try prepareDirectory(for: url)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
    }

    private static func place(_ temporary: URL, at url: URL) throws {
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
