import Foundation

/// An artifact a recorded step wrote: its path under `target/` and the fixture file with its bytes.
struct RecordedArtifact: Sendable {
    let path: String
    let file: String
}

/// How a running step's log grows.
enum LogReveal: Sendable {
    /// In proportion to the step's progress.
    case linear
    /// One line every `secondsPerLine` until the line at `holdIndex` (a model that takes long),
    /// which stays the last line until the step ends.
    case holding(at: Int, secondsPerLine: Double)

    func visibleLines(of total: Int, elapsed: Double, linear: Int) -> Int {
        switch self {
        case .linear:
            return linear
        case .holding(let hold, let pace):
            guard pace > 0, elapsed.isFinite, elapsed > 0 else { return min(total, 1) }
            let written = elapsed / pace >= Double(total) ? total : Int(elapsed / pace) + 1
            return max(1, min(total, hold + 1, written))
        }
    }
}

/// Where a recorded step's console log comes from.
enum RecordedLog: Sendable {
    /// A fixture file (`multiple_failures/steps/2_build/stdout.log`).
    case fixture(String)
    /// Lines made for the run: `{run}`, `{sha}` and `{branch}` are filled in.
    case made([String])
}

/// One step of a recorded failure shape: what dbt Cloud names it, the dbt command (nil for
/// dbt Cloud's own clone and profile steps), its log, debug log and artifacts.
struct RecordedStep: Sendable {
    let name: String
    let command: String?
    let log: RecordedLog
    let debugLog: String?
    let artifacts: [RecordedArtifact]
    var reveal: LogReveal = .linear

    func writes(_ path: String) -> Bool { artifacts.contains { $0.path == path } }

    /// The whole log for this run, with the run's id, SHA, branch, threads and target filled in.
    func lines(for run: RunRecord) -> [String] {
        let raw: [String]
        switch log {
        case .fixture(let file): raw = FixtureFiles.shared.lines(file)
        case .made(let lines): raw = lines
        }
        let recordedConcurrency = "Concurrency: 4 threads (target='prod')"
        let concurrency = "Concurrency: \(run.threads) threads (target='\(run.targetName)')"
        return raw.map { line in
            var line = line
            if line.contains("RUN_ID") { line = line.replacingOccurrences(of: "RUN_ID", with: String(run.id)) }
            if line.contains("{") {
                line = line.replacingOccurrences(of: "{run}", with: String(run.id))
                    .replacingOccurrences(of: "{sha}", with: run.gitSha ?? "")
                    .replacingOccurrences(of: "{branch}", with: run.gitBranch ?? "main")
            }
            if line.hasSuffix(recordedConcurrency) { line = line.replacingOccurrences(of: recordedConcurrency, with: concurrency) }
            return line
        }
    }

    // MARK: - dbt Cloud's own steps

    /// "Clone git repository", as the Admin API shows it when the clone works.
    static let clone = RecordedStep(
        name: "Clone git repository", command: nil,
        log: .made([
            "Cloning into '/tmp/jobs/{run}/target'...", "Successfully cloned repository.", "Checked out at {sha}.",
        ]),
        debugLog: nil, artifacts: [])

    /// The clone of a branch that no longer exists (real `git clone` output, see the fixture's README).
    static let failedClone = RecordedStep(
        name: "Clone git repository", command: nil, log: .fixture("git_clone_failure/steps/1_clone/stdout.log"),
        debugLog: nil, artifacts: [])

    static let profile = RecordedStep(
        name: "Create profile from connection DuckDB", command: nil,
        log: .made(["Writing profile to /tmp/jobs/{run}/.dbt/profiles.yml"]), debugLog: nil, artifacts: [])

    // MARK: - dbt invocations from the fixtures

    /// `Invoke dbt with \`dbt …\`` replaying `<shape>/steps/<folder>/`, serving the listed artifacts.
    static func dbt(_ command: String, _ shape: String, _ folder: String, artifacts: [String] = []) -> RecordedStep {
        let base = "\(shape)/steps/\(folder)"
        return RecordedStep(
            name: "Invoke dbt with `\(command)`", command: command, log: .fixture("\(base)/stdout.log"),
            debugLog: "\(base)/dbt.log", artifacts: artifacts.map { RecordedArtifact(path: $0, file: "\(base)/\($0)") })
    }
}
