import DbtArtifacts
import Foundation

/// The artifacts a debugging command reads: from local files (`--file`, `--manifest`) or
/// from a run (the executing step's run_results.json and manifest.json).
struct RunArtifacts {
    let session: Session
    let files: LocalArtifactOptions

    var usesLocalFiles: Bool { files.file != nil }

    func runResults(runID: Int?) async throws -> RunResults {
        if let file = files.file { return try Self.decodeLocal(file, RunResults.decode) }
        guard let runID else { throw CommandFailure.usage("no run: give a run id or --file run_results.json") }
        return try await ArtifactStore(session: session).runResults(runID: runID, step: files.step)
    }

    /// The manifest when available; a missing one only weakens the answer.
    func manifest(runID: Int?) async throws -> Manifest? {
        if let file = files.manifest { return try Self.decodeLocal(file, Manifest.decode) }
        if usesLocalFiles { return nil }
        guard let runID else { return nil }
        do {
            return try await ArtifactStore(session: session).manifest(runID: runID, step: files.step)
        } catch where MissingArtifact.isMissing(error) || (error as? CommandFailure)?.exitCode == ExitCode.apiRefused {
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

}

/// `--file`, `--manifest` and `--step` of the commands that read a run's run_results.json.
struct LocalArtifactOptions: ParsableOptions {
    @Option("file", .file, valueName: "run_results.json", help: "read a local run_results.json instead of a run's") var file: String?
    @Option("manifest", .file, valueName: "manifest.json", help: "a local manifest.json (skip causes, file paths, SQL)")
    var manifest: String?
    @Option("step", .step, valueName: "N", help: "the artifacts of step N (default: the step that ran dbt)") var step: Int?
}
