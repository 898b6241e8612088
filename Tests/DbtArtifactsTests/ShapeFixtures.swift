import Foundation
@testable import DbtArtifacts

/// Runs made by hand from the failure-shape fixtures, the way dbt Cloud reports them:
/// "Clone git repository", "Create profile from connection DuckDB", then the dbt steps.
enum ShapeRun {
    static func text(_ path: String) throws -> String {
        String(decoding: try Fixture.data(path), as: UTF8.self)
    }

    static let clone = StepFacts(
        index: 1, name: "Clone git repository", status: .success,
        log: "Cloning into '/tmp/jobs/1/target'...\nSuccessfully cloned repository.\nChecked out at abc.")
    static let profile = StepFacts(
        index: 2, name: "Create profile from connection DuckDB", status: .success,
        log: "Writing profile to /tmp/jobs/1/.dbt/profiles.yml")

    /// `Invoke dbt with \`command\`` replaying `<shape>/steps/<folder>/stdout.log`.
    static func dbt(_ index: Int, _ command: String, _ status: RunState, _ folder: String) throws -> StepFacts {
        StepFacts(
            index: index, name: "Invoke dbt with `\(command)`", status: status, log: try text("\(folder)/stdout.log"),
            durationSeconds: 21)
    }

    static func run(
        _ status: RunState, steps: [StepFacts], message: String? = nil, artifactsSaved: Bool? = nil
    ) -> RunFacts {
        RunFacts(
            id: 1, jobID: 7, status: status, statusMessage: message, gitSHA: "abc", gitBranch: "main", dbtVersion: "latest",
            runDurationSeconds: 95, artifactsSaved: artifactsSaved, steps: steps)
    }

    /// Clone, profile, `dbt deps` and the given dbt step (index 4).
    static func withPreamble(
        _ status: RunState, _ command: String, _ stepStatus: RunState, _ folder: String, message: String? = nil,
        artifactsSaved: Bool? = nil
    ) throws -> RunFacts {
        let deps = try dbt(3, "dbt deps", .success, "multiple_failures/steps/1_deps")
        return run(
            status, steps: [clone, profile, deps, try dbt(4, command, stepStatus, folder)], message: message,
            artifactsSaved: artifactsSaved)
    }

    /// The evidence a story asks for, read from the fixture folder (absent files stay nil).
    static func evidence(for requests: [EvidenceRequest], in folder: String) throws -> RunEvidence {
        var evidence = RunEvidence()
        for request in requests {
            guard let url = URL(string: "\(folder)/\(request.path)", relativeTo: Fixture.root),
                FileManager.default.fileExists(atPath: url.path)
            else { continue }
            let data = try ArtifactFile.read(url)
            switch request {
            case .runResults: evidence.runResults = try RunResults.decode(data)
            case .manifest: evidence.manifest = try Manifest.decode(data)
            case .sources: evidence.sources = try SourceFreshness.decode(data)
            }
        }
        return evidence
    }
}
