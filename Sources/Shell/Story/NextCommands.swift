import DbtArtifacts

/// A command to type next and what it shows.
struct NextCommand: Sendable, Encodable, Equatable {
    let command: String
    let why: String
}

/// The story's next steps spelled as dbtsh commands: a run that is not the context's is named
/// in each command, so that they can be typed as they are.
struct NextCommands {
    let runID: Int
    let jobID: Int?
    let session: Session
    /// The run where the job last passed, for `sql NODE --diff`.
    let lastSuccessID: Int?
    let skippedCount: Int

    func spell(_ steps: [NextStep]) -> [NextCommand] {
        let context = session.context
        let isContextRun = context.run?.id == runID
        let runArgument = isContextRun ? "" : " \(runID)"
        let runOption = isContextRun ? "" : " --run \(runID)"
        let jobOption = jobID == nil || context.job?.id == jobID ? "" : " --job \(jobID ?? 0)"
        return steps.map { step in
            switch step {
            case .stepLog(let index):
                return NextCommand(command: "logs \(index)\(runOption)", why: "the whole log of step \(index)")
            case .followLog(let index):
                return NextCommand(command: "logs \(index) --follow\(runOption)", why: "its log as it grows (Ctrl-C stops following, not the run)")
            case .failures:
                let all = skippedCount > 0 ? " --all" : ""
                let why = skippedCount > 0 ? "every failing node, and the \(skippedCount) skipped ones by cause" : "every failing node"
                return NextCommand(command: "failures\(all)\(runArgument)", why: why)
            case .compiledSQL(let node):
                if let lastSuccessID {
                    return NextCommand(command: "sql \(node) --diff\(runArgument)", why: "its compiled SQL against the last run where it passed (run \(lastSuccessID) or before)")
                }
                return NextCommand(command: "sql \(node)\(runArgument)", why: "its compiled SQL")
            case .lineage(let node):
                return NextCommand(command: "lineage \(node)\(runOption)", why: "what it reads from and what it blocked")
            case .timeline(let node):
                return NextCommand(command: "timeline \(node)\(jobOption)", why: "its status in the job's last runs")
            }
        }
    }
}
