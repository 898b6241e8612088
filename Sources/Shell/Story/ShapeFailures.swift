import DbtArtifacts

/// `failures` of a run that has no run_results.json to list: the story told from its logs and
/// other artifacts (the error block of a parse error, a failed clone or `dbt deps`, stale
/// sources, what a timed-out or running step was on, dbt's summary when artifacts were lost).
struct ShapeFailures {
    let explained: ExplainedRun

    /// The table format prints the story; JSON is the run story itself; CSV, TSV and markdown,
    /// which list nodes, get their header and no rows (stderr says why).
    func print(_ output: OutputOptions, _ session: Session) throws -> Int32 {
        let data = DataOutput(session, output, command: "failures")
        switch data.format {
        case .table where output.fields == nil:
            ExplainText(explained: explained, history: nil, next: []).printStory(to: session.console)
            session.console.errorLine("more: 'explain \(explained.run.id)' (what changed since the job last passed, what to type next)")
        case .json, .jsonl:
            try data.printRecord(try JSONText.value(explained.story)) {}
        default:
            try data.print(DataRows([NodeProblem](), fields: ProblemRow.fields))
            session.console.errorLine("note: run \(explained.run.id) has no run_results.json to list: \(explained.story.headline) ('explain \(explained.run.id)')")
        }
        return 0
    }

    /// A cancelled run's partial run_results.json is listed as usual; stderr says why it is partial.
    func noteUnlessNodeFailures(_ session: Session) {
        switch explained.story.verdict {
        case .nodeErrors, .testFailures, .succeeded: return
        default: session.console.errorLine("note: run \(explained.run.id): \(explained.story.headline)")
        }
    }
}
