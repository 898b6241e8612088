import DbtArtifacts
import DbtCloud

/// A 404 for an artifact of a run that exists, said as what happened to the run: it is still
/// running, dbt stopped before writing anything, no step writes that file, or dbt Cloud did
/// not save the run's artifacts. Never a raw "404 not found".
struct MissingArtifact {
    let session: Session

    /// True for dbt Cloud's 404 for an artifact (not for the run itself).
    static func isMissing(_ error: any Error) -> Bool {
        guard let api = error as? DbtCloudError, api.kind == .notFound else { return false }
        return api.path?.contains("/artifacts/") ?? false
    }

    /// Runs `body`; a 404 for one of run `runID`'s artifacts becomes one line that says why the
    /// run has none (exit 3, as before). Other errors pass through.
    func explaining<T>(runID: Int?, step: Int? = nil, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch where Self.isMissing(error) {
            guard let runID, let api = error as? DbtCloudError else { throw error }
            throw await failure(runID: runID, step: step, error: api)
        }
    }

    func failure(runID: Int, step: Int?, error: DbtCloudError) async -> CommandFailure {
        guard let loaded = try? await RunStoryLoader(session: session).run(runID) else { return ErrorReport.failure(for: error) }
        if let step, loaded.facts.step(step) == nil {
            let indexes = loaded.facts.steps.map(\.index).sorted()
            let known = indexes.first.map { "steps \($0)–\(indexes[indexes.count - 1])" } ?? "no steps yet"
            return CommandFailure.usage("run \(runID) has no step \(step) (it has \(known); see 'steps')")
        }
        let artifact = Self.artifactName(in: error.path) ?? "that artifact"
        let stepText = step.map { " of step \($0)" } ?? ""
        let reason = Self.reason(artifact: artifact, step: step, run: loaded.facts)
        return CommandFailure.apiRefused("run \(runID) has no \(artifact)\(stepText): \(reason)")
    }

    /// For an empty artifact listing: `run 978 has no artifacts: dbt Cloud did not save them…`.
    func noArtifacts(runID: Int, step: Int?) async -> String {
        let plain = "run \(runID) has no artifacts" + (step.map { " at step \($0)" } ?? "")
        guard let run = try? await RunStoryLoader(session: session).run(runID).facts else { return plain }
        if !run.status.isFinished { return plain + ": it is still \(run.status.name); dbt Cloud lists them when it ends" }
        if let step, let chosen = run.step(step) { return plain + ": step \(step) \(chosen.label) wrote none" }
        let story = RunStory(run: run)
        if story.verdict == .artifactsNotSaved { return plain + ": dbt Cloud did not save them (its steps and logs are there); 'explain \(runID)'" }
        return plain + (story.verdict.isFailure ? ": \(story.headline); 'explain \(runID)'" : "")
    }

    /// `/api/v2/accounts/43/runs/964/artifacts/run_results.json` → `run_results.json`.
    static func artifactName(in path: String?) -> String? {
        guard let path, let range = path.range(of: "/artifacts/") else { return nil }
        let name = String(path[range.upperBound...])
        return name.isEmpty ? nil : name.removingPercentEncoding ?? name
    }

    /// Why `run` has no `artifact`, ending with the command that tells more.
    static func reason(artifact: String, step: Int?, run: RunFacts) -> String {
        let explain = "'explain \(run.id)' tells what happened"
        if !run.status.isFinished {
            let running = run.steps.last { !$0.status.isFinished } ?? run.steps.last
            let at = running.map { " at step \($0.index) \($0.label)" } ?? ""
            let follow = running.map { "; 'logs \($0.index) --follow --run \(run.id)' meanwhile" } ?? ""
            return "it is still \(run.status.name)\(at), and dbt Cloud serves artifacts when a run ends\(follow)"
        }
        let story = RunStory(run: run)
        let notSaved = "dbt Cloud did not save this run's artifacts (its steps and logs are there); \(explain)"
        guard knownArtifacts.contains(artifact) else {
            if story.verdict == .artifactsNotSaved { return notSaved }
            return "dbt Cloud has no such file for this run; 'artifacts\(step.map { " --step \($0)" } ?? "") --run \(run.id)' lists the paths it has"
        }
        if let step, let chosen = run.step(step), !writes(artifact, chosen.role) {
            return "step \(step) \(chosen.label) writes no \(artifact)"
        }
        if story.verdict == .artifactsNotSaved { return notSaved }
        if let step, let chosen = run.step(step) { return stoppedEarly(chosen, story: story) + "; \(explain)" }
        let writers = run.steps.filter { writes(artifact, $0.role) }
        if let failed = writers.first(where: { $0.status != .success }) {
            return stoppedEarly(failed, story: story) + "; \(explain)"
        }
        if writers.isEmpty {
            let planned = (run.overrides?.executeSteps ?? run.job?.executeSteps ?? [])
                + (run.overrides?.generateDocs ?? run.job?.generateDocs ?? false ? ["dbt docs generate"] : [])
            let plannedWriter = planned.first { writes(artifact, StepRole(stepName: $0)) }
            if story.verdict.isFailure, let plannedWriter { return "\(story.headline), so `\(plannedWriter)` never ran; \(explain)" }
            if story.verdict.isFailure, writerCommand(of: artifact) == nil { return "\(story.headline); \(explain)" }
            let source = writerCommand(of: artifact).map { ", which comes from `\($0)`" } ?? ""
            return "none of its steps writes \(artifact)\(source)"
        }
        if run.artifactsSaved == false { return notSaved }
        return "dbt Cloud has none for it; \(explain)"
    }

    /// A writer step that did not write: what stopped it.
    private static func stoppedEarly(_ step: StepFacts, story: RunStory) -> String {
        if story.step?.index == step.index { return story.headline }
        return "step \(step.index) \(step.label) ended \(step.status.name) before writing it"
    }

    /// The artifacts whose writers are known; for any other path dbt Cloud's list is the authority.
    static let knownArtifacts: Set<String> = ["run_results.json", "manifest.json", "catalog.json", "sources.json"]

    static func writes(_ artifact: String, _ role: StepRole) -> Bool {
        guard case .dbt(let subcommand, _) = role else { return false }
        switch artifact {
        case "catalog.json": return subcommand == "docs generate"
        case "sources.json": return subcommand == "source freshness"
        case "manifest.json": return role.executesNodes || ["compile", "docs generate", "parse", "source freshness", "ls", "list"].contains(subcommand)
        default: return role.executesNodes || ["compile", "docs generate"].contains(subcommand)
        }
    }

    private static func writerCommand(of artifact: String) -> String? {
        switch artifact {
        case "catalog.json": return "dbt docs generate"
        case "sources.json": return "dbt source freshness"
        default: return nil
        }
    }
}
