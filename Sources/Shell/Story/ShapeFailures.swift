import DbtArtifacts

/// `failures` of a run that has no run_results.json to list: the story told from its logs and
/// other artifacts (the error block of a parse error, a failed clone or `dbt deps`, stale
/// sources, what a timed-out or running step was on, dbt's summary when artifacts were lost).
struct ShapeFailures {
    let explained: ExplainedRun

    func print(_ output: OutputOptions, _ session: Session) throws -> Int32 {
        if output.wantsJSON(in: session) {
            session.console.line(try JSONText.encode(explained.story))
            return 0
        }
        ExplainText(explained: explained, history: nil, next: []).printStory(to: session.console)
        session.console.errorLine("more: 'explain \(explained.run.id)' (what changed since the job last passed, what to type next)")
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
