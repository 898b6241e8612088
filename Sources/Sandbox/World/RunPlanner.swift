import Foundation

/// Turns a job's commands into the steps a run will execute.
///
/// Rules (documented in the README of the sandbox):
/// - Steps are the job's `execute_steps` (or the trigger's `steps_override`), then
///   `dbt docs generate` when `generate_docs` (or `generate_docs_override`) is set.
/// - On a run that replays the `failure` fixtures, every `dbt build`, `dbt run` and `dbt test`
///   fails: the broken model is in the project, whatever the selection.
/// - After a failed step the remaining commands are skipped, but the docs step still runs,
///   as on dbt Cloud, so the default (last-step) `run_results.json` of a failed run is green.
/// - A timeout stops the step running at that moment, which ends in error.
struct RunPlan {
    let steps: [ScheduledStep]
    let skippedCommands: [String]
    let outcome: RunStatus
    let outcomeMessage: String?

    static let docsCommand = "dbt docs generate"

    init(
        commands: [String], generateDocs: Bool, fixtureSet: FixtureSet, timeoutSeconds: Int,
        duration: (StepKind) -> Double
    ) {
        var planned = commands.map { (command: $0, isDocs: false) }
        if generateDocs { planned.append((Self.docsCommand, true)) }

        var steps: [ScheduledStep] = []
        var skipped: [String] = []
        var failedCommand: String?
        var cursor = 0.0
        for item in planned {
            if failedCommand != nil && !item.isDocs {
                skipped.append(item.command)
                continue
            }
            let kind = StepKind(command: item.command)
            let fails = fixtureSet == .failure && kind == .build
            let length = duration(kind)
            steps.append(
                ScheduledStep(
                    command: item.command, kind: kind, start: cursor, end: cursor + length,
                    outcome: fails ? .error : .success, closingLogLine: nil))
            if fails, failedCommand == nil { failedCommand = item.command }
            cursor += length
        }

        var message: String?
        if timeoutSeconds > 0, let last = steps.last, last.end > Double(timeoutSeconds) {
            let limit = Double(timeoutSeconds)
            var kept: [ScheduledStep] = []
            for step in steps {
                if step.start >= limit {
                    skipped.append(step.command)
                } else if step.end > limit {
                    kept.append(
                        ScheduledStep(
                            command: step.command, kind: step.kind, start: step.start, end: limit, outcome: .error,
                            closingLogLine: "Timeout: the job exceeded its timeout of \(timeoutSeconds) seconds and was stopped."
                        ))
                } else {
                    kept.append(step)
                }
            }
            steps = kept
            message = "This run timed out after running for \(timeoutSeconds) seconds."
            failedCommand = failedCommand ?? steps.last?.command
        }

        self.steps = steps
        self.skippedCommands = skipped
        self.outcome = failedCommand == nil ? .success : .error
        self.outcomeMessage = message
    }
}
