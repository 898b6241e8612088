import DbtArtifacts
import Foundation

/// The artifacts a debugging command reads: from local files (`--file`, `--manifest`) or
/// from a run (the executing step's run_results.json and manifest.json).
struct RunArtifacts {
    let session: Session
    let invocation: Invocation

    var usesLocalFiles: Bool { invocation.value("file") != nil }

    /// The run named by `positional` (or the context's), when artifacts come from dbt Cloud.
    func runID(positional index: Int = 0) async throws -> Int {
        try await session.requireRun(invocation.positional(index) ?? invocation.value("run"))
    }

    func runResults(runID: Int?) async throws -> RunResults {
        if let file = invocation.value("file") { return try Self.decodeLocal(file, RunResults.decode) }
        guard let runID else { throw CommandFailure.usage("no run: give a run id or --file run_results.json") }
        return try await ArtifactStore(session: session).runResults(runID: runID, step: try invocation.integer("step"))
    }

    /// The manifest when available; a missing one only weakens the answer.
    func manifest(runID: Int?) async throws -> Manifest? {
        if let file = invocation.value("manifest") { return try Self.decodeLocal(file, Manifest.decode) }
        if usesLocalFiles { return nil }
        guard let runID else { return nil }
        do {
            return try await ArtifactStore(session: session).manifest(runID: runID, step: try invocation.integer("step"))
        } catch let failure as CommandFailure where failure.exitCode == ExitCode.apiRefused {
            session.console.errorLine("note: run \(runID) has no manifest.json; skip causes and file paths are left out")
            return nil
        }
    }

    static func decodeLocal<T>(_ path: String, _ decode: (Data) throws(ArtifactError) -> T) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure.usage("cannot read '\(path)': no such readable file")
        }
        do {
            return try decode(data)
        } catch {
            throw CommandFailure.usage("\(path): \(error.description)")
        }
    }

    static let fileFlags: [FlagSpec] = [
        FlagSpec("file", value: .file, valueName: "run_results.json", help: "read a local run_results.json instead of a run's"),
        FlagSpec("manifest", value: .file, valueName: "manifest.json", help: "a local manifest.json (skip causes, file paths, SQL)"),
        FlagSpec("step", value: .step, valueName: "N", help: "the artifacts of step N (default: the step that ran dbt)"),
    ]
}
