import Foundation

/// The failure shapes a debugger meets, each replaying real dbt output (see the fixtures' README).
enum DemoShape: String, Sendable, CaseIterable {
    case dailyPass = "daily_pass"
    case multipleFailures = "multiple_failures"
    case freshnessPass = "freshness_pass"
    case freshnessFailure = "freshness_failure"
    case testStepFailure = "test_step_failure"
    case compileError = "compile_error"
    case depsFailure = "deps_failure"
    case connectionFailure = "connection_failure"
    case gitCloneFailure = "git_clone_failure"
    case cancelled
    case timedOut = "timed_out"
    case running
    case artifactsNotSaved = "artifacts_not_saved"

    /// One step of a run of this shape and how it ends.
    struct PlannedStep {
        let recorded: RecordedStep
        let outcome: RunStatus
        /// Seconds the step takes in a seeded run (triggered runs take the sandbox's step time).
        let seconds: Double
        var closingLogLine: String? = nil
    }

    struct Plan {
        let steps: [PlannedStep]
        let outcome: RunStatus
        let message: String?
        var artifactsLost = false
    }

    /// The job timeout of the timed-out shape's job, in seconds.
    static let timeoutSeconds = 600

    /// The `dbt deps` of a project without packages (dbt 1.11).
    private static let deps = RecordedStep.dbt("dbt deps", "multiple_failures", "1_deps")

    private static func step(_ recorded: RecordedStep, _ outcome: RunStatus = .success, _ seconds: Double) -> PlannedStep {
        PlannedStep(recorded: recorded, outcome: outcome, seconds: seconds)
    }

    var plan: Plan {
        let clone = Self.step(.clone, .success, 2)
        let profile = Self.step(.profile, .success, 1)
        let build = ["run_results.json", "manifest.json"]
        switch self {
        case .dailyPass:
            return Plan(
                steps: [
                    clone, profile, Self.step(.dbt("dbt deps", "daily_pass", "1_deps"), .success, 3),
                    Self.step(.dbt("dbt build", "daily_pass", "2_build", artifacts: build), .success, 24),
                ], outcome: .success, message: nil)
        case .multipleFailures:
            return Plan(
                steps: [
                    clone, profile, Self.step(Self.deps, .success, 3),
                    Self.step(.dbt("dbt build", "multiple_failures", "2_build", artifacts: build), .error, 21),
                ], outcome: .error, message: nil)
        case .freshnessPass:
            return Plan(
                steps: [
                    clone, profile, Self.step(.dbt("dbt deps", "freshness_pass", "1_deps"), .success, 3),
                    Self.step(
                        .dbt("dbt source freshness", "freshness_pass", "2_source_freshness", artifacts: ["sources.json"]),
                        .success, 5),
                    Self.step(.dbt("dbt build", "daily_pass", "2_build", artifacts: build), .success, 24),
                ], outcome: .success, message: nil)
        case .freshnessFailure:
            return Plan(
                steps: [
                    clone, profile, Self.step(.dbt("dbt deps", "freshness_failure", "1_deps"), .success, 3),
                    Self.step(
                        .dbt("dbt source freshness", "freshness_failure", "2_source_freshness", artifacts: ["sources.json"]),
                        .error, 5),
                ], outcome: .error, message: nil)
        case .testStepFailure:
            return Plan(
                steps: [
                    clone, profile, Self.step(Self.deps, .success, 3),
                    Self.step(.dbt("dbt run", "test_step_failure", "1_run", artifacts: build), .success, 20),
                    Self.step(.dbt("dbt test", "test_step_failure", "2_test", artifacts: build), .error, 18),
                ], outcome: .error, message: nil)
        case .compileError:
            return Plan(
                steps: [
                    clone, profile, Self.step(Self.deps, .success, 3),
                    Self.step(.dbt("dbt build", "compile_error", "1_build"), .error, 22),
                ], outcome: .error, message: nil)
        case .depsFailure:
            return Plan(
                steps: [clone, profile, Self.step(.dbt("dbt deps", "deps_failure", "1_deps"), .error, 2)],
                outcome: .error, message: nil)
        case .connectionFailure:
            return Plan(
                steps: [
                    clone, profile, Self.step(.dbt("dbt deps", "connection_failure", "1_deps"), .success, 3),
                    Self.step(.dbt("dbt build", "connection_failure", "2_build"), .error, 6),
                ], outcome: .error, message: nil)
        case .gitCloneFailure:
            return Plan(steps: [Self.step(.failedClone, .error, 3)], outcome: .error, message: nil)
        case .cancelled:
            return Plan(
                steps: [
                    clone, profile, Self.step(.dbt("dbt deps", "cancelled", "1_deps"), .success, 3),
                    Self.step(.dbt("dbt build", "cancelled", "2_build", artifacts: ["run_results.json"]), .cancelled, 95),
                ], outcome: .cancelled, message: "Cancelled by user.")
        case .timedOut:
            let limit = Double(Self.timeoutSeconds)
            return Plan(
                steps: [
                    clone, profile, Self.step(.dbt("dbt deps", "timed_out", "1_deps"), .success, 3),
                    PlannedStep(
                        recorded: .dbt("dbt build", "timed_out", "2_build"), outcome: .error, seconds: limit - 6,
                        closingLogLine: "Timeout: the job exceeded its timeout of \(Self.timeoutSeconds) seconds and was stopped."),
                ], outcome: .error, message: "This run timed out after running for \(Self.timeoutSeconds) seconds.")
        case .running:
            var build = RecordedStep.dbt("dbt build", "daily_pass", "2_build", artifacts: build)
            build.reveal = .holding(at: Self.holdLine, secondsPerLine: 1)
            return Plan(
                steps: [
                    clone, profile, Self.step(.dbt("dbt deps", "daily_pass", "1_deps"), .success, 3),
                    Self.step(build, .success, Self.runningSeconds),
                ], outcome: .success, message: nil)
        case .artifactsNotSaved:
            return Plan(
                steps: [
                    clone, profile, Self.step(Self.deps, .success, 3),
                    Self.step(.dbt("dbt build", "multiple_failures", "2_build", artifacts: build), .error, 21),
                ], outcome: .error, message: nil, artifactsLost: true)
        }
    }

    /// How long the running shape's build takes: long enough to stay running through a demo.
    static let runningSeconds = 6 * 3_600.0

    /// The running build's log stops at the start of its slowest model until the step ends.
    static let holdLine: Int = {
        let lines = FixtureFiles.shared.lines("daily_pass/steps/2_build/stdout.log")
        return lines.firstIndex { $0.contains("START sql incremental model analytics.core.fct_orders") } ?? max(0, lines.count - 1)
    }()

    /// What a newly triggered run of a job of this shape replays (a running job's new runs finish).
    var replay: DemoShape { self == .running ? .dailyPass : self }
}
