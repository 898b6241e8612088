import DbtArtifacts
import DbtCloud
import Foundation

struct FailuresCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "failures", summary: "nodes that errored, failed, warned or were skipped, with why",
        discussion: "Reads the run_results.json of the step that ran dbt (not the last, green docs step) and the manifest to name, for each skipped node, the failed ancestor that caused the skip; skipped nodes are counted by cause (--all lists them). A run that has no run_results.json (a parse error, a failed clone, profile or dbt deps, a freshness failure, a timeout, a running run, artifacts not saved) is told from its steps' logs and its other artifacts.",
        examples: ["failures", "failures 902 --json", "failures --all", "failures --file run_results.json --manifest manifest.json"])
    @Argument("RUN", .run) var runRef: String?
    @OptionGroup var files: LocalArtifactOptions
    @Flag("full", help: "whole messages instead of their first lines") var full: Bool
    @Flag("all", help: "list every skipped node under its cause") var all: Bool
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let artifacts = RunArtifacts(session: session, files: files)
        let report: FailureReport
        if !artifacts.usesLocalFiles, files.step == nil {
            let loader = RunStoryLoader(session: session)
            let explained = try await loader.explain(try await loader.run(named: runRef))
            guard let results = explained.evidence.runResults else { return try ShapeFailures(explained: explained).print(output, session) }
            report = FailureReport(results: results, manifest: explained.evidence.manifest)
            ShapeFailures(explained: explained).noteUnlessNodeFailures(session)
        } else {
            let runID = artifacts.usesLocalFiles ? nil : try await session.requireRun(runRef)
            report = try await MissingArtifact(session: session).explaining(runID: runID, step: files.step) {
                async let manifest = artifacts.manifest(runID: runID)
                let results = try await artifacts.runResults(runID: runID)
                return FailureReport(results: results, manifest: try await manifest)
            }
        }
        if output.wantsJSON(in: session) {
            session.console.line(try JSONText.encode(report))
            return 0
        }
        FailureReportText(report: report, full: full, all: all).print(to: session)
        if report.isCompileOnly {
            session.console.errorLine("note: this run_results.json is from `\(report.command ?? "dbt docs generate")`, which only compiles; use --step to pick the step that ran dbt")
        }
        return 0
    }
}

struct FailureReportText {
    let report: FailureReport
    let full: Bool
    var all = false

    func print(to session: Session) {
        let console = session.console
        if report.problems.isEmpty {
            console.line("no failures, warnings or skips (\(report.summary.line))")
            return
        }
        for problem in report.problems where problem.status != .skipped {
            console.line("\(problem.status.rawValue.uppercased())  \(problem.resourceType) \(problem.name)")
            let lines = full ? (problem.message ?? "").split(separator: "\n").map(String.init) : problem.messageLines
            for line in lines { console.line("    " + line) }
            if let failures = problem.failures, failures > 0 { console.line("    failures: \(failures)") }
            if let relation = problem.relationName { console.line("    relation: \(relation)") }
            if let file = problem.resourceType == "test" ? (problem.patchPath ?? problem.filePath) : (problem.filePath ?? problem.patchPath) { console.line("    file: \(file)") }
            console.line()
        }
        if !report.skipped.isEmpty {
            SkipGroupsText.print(SkipGroup.groups(of: report.skipped), all: all, leadingBlank: false, to: console)
            console.line()
        }
        console.line(report.summary.line + (report.command.map { "  (\($0))" } ?? ""))
    }
}

enum JSONText {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return JSONEscaping.controls(in: String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
