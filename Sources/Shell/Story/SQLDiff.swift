import DbtArtifacts
import DbtCloud
import TerminalText

/// `sql NODE --diff [RUN]`: the node's compiled SQL in RUN against the last run of the job where
/// the node passed, as a unified diff (coloured on a terminal).
struct SQLDiff {
    let session: Session
    let output: OutputOptions

    func run(node typed: String, runID: Int, files: LocalArtifactOptions) async throws -> Int32 {
        let loaded = try await RunStoryLoader(session: session).run(runID)
        guard let jobID = loaded.run.jobID else {
            throw CommandFailure.usage("sql --diff: run \(runID) belongs to no job, so it has no earlier runs to compare with")
        }
        let artifacts = RunArtifacts(session: session, files: files)
        let lookup = try await MissingArtifact(session: session).explaining(runID: runID, step: files.step) {
            async let manifest = artifacts.manifest(runID: runID)
            let results = try await artifacts.runResults(runID: runID)
            return SQLLookup(results: results, manifest: try await manifest)
        }
        let uniqueID = try NodeChoice.pick(typed, lookup.resolve(typed))
        guard case .compiled(let newSQL, _) = lookup.compiledSQL(for: uniqueID) else {
            if case .unavailable(let reason) = lookup.compiledSQL(for: uniqueID) {
                throw CommandFailure.apiRefused("sql --diff: \(reason); nothing to compare")
            }
            throw CommandFailure.apiRefused("sql --diff: no compiled SQL for \(uniqueID) in run \(runID)")
        }
        guard let pass = try await NodeHistory(session: session).lastPass(of: uniqueID, before: runID, jobID: jobID) else {
            throw CommandFailure.apiRefused(
                "sql --diff: \(NodeNames.shortName(uniqueID)) did not pass in the runs of job \(jobID) before run \(runID) (the last \(NodeHistory.maximumRuns) at most); nothing to compare with")
        }
        guard let oldSQL = pass.results.compiledCode(of: uniqueID) else {
            throw CommandFailure.apiRefused("sql --diff: run \(pass.run.id), where \(NodeNames.shortName(uniqueID)) passed, kept no compiled SQL for it")
        }
        let status = loaded.facts.status.name
        let newStatus = lookup.results?.result(for: uniqueID)?.status.rawValue ?? status
        let diff = UnifiedDiff(
            old: oldSQL, new: newSQL, oldLabel: "run \(pass.run.id) (\(NodeNames.shortName(uniqueID)) passed)",
            newLabel: "run \(runID) (\(NodeNames.shortName(uniqueID)) \(newStatus))")
        let shas = [pass.run.gitSha, loaded.facts.gitSHA].map { $0.map(ChangesText.shortSHA) ?? "?" }
        session.console.errorLine("-- \(uniqueID): run \(pass.run.id) (git \(shas[0])) → run \(runID) (git \(shas[1]))")
        if diff.isEmpty {
            session.console.errorLine("its compiled SQL is the same as in run \(pass.run.id), where it passed: what changed is elsewhere ('explain \(runID)')")
        }
        let record: JSONValue = .object([
            "unique_id": .string(uniqueID), "old_run_id": .int(pass.run.id), "new_run_id": .int(runID), "diff": .string(diff.text),
        ])
        try DataOutput(session, output, command: "sql").printRecord(record, markdown: DelimitedText.fenced(diff.text, language: "diff")) {
            UnifiedDiffText.print(diff, to: session.console)
        }
        return 0
    }
}

/// A unified diff on standard output, styled by line kind (plain through a pipe).
enum UnifiedDiffText {
    static func print(_ diff: UnifiedDiff, to console: Console) {
        for line in diff.lines {
            switch line.kind {
            case .fileHeader: console.line(.styled(line.text, .heading))
            case .hunkHeader: console.line(.styled(line.text, .active))
            case .removed: console.line(.styled(line.text, .failure))
            case .added: console.line(.styled(line.text, .success))
            case .context: console.line(line.text)
            }
        }
    }
}
