import DbtArtifacts
import DbtCloud
import Foundation

struct FailuresCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "failures", summary: "nodes that errored, failed, warned or were skipped, with why",
        discussion: "Reads the run_results.json of the step that ran dbt (not the last, green docs step) and the manifest to name, for each skipped node, the failed ancestor that caused the skip; skipped nodes are counted by cause (--all lists them). A run that has no run_results.json (a parse error, a failed clone, profile or dbt deps, a freshness failure, a timeout, a running run, artifacts not saved) is told from its steps' logs and its other artifacts.",
        examples: ["failures", "failures 902 --json", "failures --all", "failures --output csv --fields status,name,message",
                   "failures --file run_results.json --manifest manifest.json"],
        fields: ProblemRow.fields.map(\.key))
    @Argument("RUN", .run) var runRef: String?
    @OptionGroup var files: LocalArtifactOptions
    @Flag("full", help: "whole messages instead of their first lines") var full: Bool
    @Flag("all", help: "list every skipped node with its cause, not just the counts") var all: Bool
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
        let summary = try JSONText.value(report.summary)
        let rows = DataRows(report.problems, fields: ProblemRow.fields)
        try DataOutput(session, output, command: "failures").print(rows, document: { problems in
            .object(["command": report.command.map(JSONValue.string) ?? .null, "summary": summary,
                     "is_compile_only": .bool(report.isCompileOnly), "problems": problems])
        }) {
            FailureReportText(report: report, full: full, all: all).print(to: session)
        }
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
            console.line("\(problem.status.rawValue.uppercased(), style: StatusStyle.of(problem.status))  \(problem.resourceType) \(problem.name)")
            let lines = full ? (problem.message ?? "").split(separator: "\n").map(String.init) : problem.messageLines
            for line in lines { console.line("    " + line) }
            if let failures = problem.failures, failures > 0 { console.line("    failures: \(failures)") }
            if let relation = problem.relationName { console.line("    relation: \(relation)") }
            if let file = problem.file { console.line("    file: \(file)") }
            console.line()
        }
        let skipped = report.skipped
        if all, !skipped.isEmpty {
            console.line("\("SKIPPED", style: .muted)  \(skipped.count) node\(skipped.count == 1 ? "" : "s")")
            let rows = skipped.map { problem -> [Table.Cell] in
                [Table.Cell(problem.resourceType), Table.Cell(problem.name), Table.Cell(problem.skipCauseText)]
            }
            let table = Table(columns: [Table.Column("TYPE", priority: 2, truncates: false), Table.Column("NAME", priority: 1, minimumWidth: 20),
                                        Table.Column("BECAUSE OF", priority: 3, minimumWidth: 14)], rows: rows)
            console.out(table.render(width: console.width, indent: "    "))
            console.line()
        } else if !skipped.isEmpty {
            SkipGroupsText.print(SkipGroup.groups(of: skipped), leadingBlank: false, to: console)
            console.line()
        }
        console.line(report.summary.line + (report.command.map { "  (\($0))" } ?? ""))
    }
}

extension NodeProblem {
    /// The file a person opens: a test's YAML, a model's SQL.
    var file: String? { resourceType == "test" ? (patchPath ?? filePath) : (filePath ?? patchPath) }

    var skipCauseText: String {
        skippedBecause.map { "\(NodeNames.shortName($0.uniqueID)) (\($0.status.rawValue))" }.joined(separator: ", ")
    }
}

/// The fields of a node in `failures`.
enum ProblemRow {
    static var fields: [DataField<NodeProblem>] {
        [
            .init("status", .init("STATUS", priority: 0, truncates: false), style: { StatusStyle.of($0.status) }) { .string($0.status.rawValue) },
            .init("resource_type", .init("TYPE", priority: 3, truncates: false)) { .string($0.resourceType) },
            .init("name", .init("NAME", priority: 1)) { .string($0.name) },
            .init("unique_id", .init("UNIQUE ID", priority: 5), inTable: false) { .string($0.uniqueID) },
            .init("message", .init("MESSAGE", priority: 2), text: { $0.messageLines.first ?? "" }) { $0.message.map(JSONValue.string) ?? .null },
            .init("failures", .init("FAILURES", alignment: .right, priority: 4, truncates: false), inTable: false) {
                $0.failures.map(JSONValue.int) ?? .null
            },
            .init("relation_name", .init("RELATION", priority: 5), inTable: false) { $0.relationName.map(JSONValue.string) ?? .null },
            .init("file", .init("FILE", priority: 5), inTable: false) { $0.file.map(JSONValue.string) ?? .null },
            .init("execution_time", .init("TIME", alignment: .right, priority: 5, truncates: false), inTable: false) {
                $0.executionTime.map(JSONValue.double) ?? .null
            },
            .init("skipped_because", .init("BECAUSE OF", priority: 4), text: { $0.skipCauseText }) { problem in
                .array(problem.skippedBecause.map { .object(["unique_id": .string($0.uniqueID), "status": .string($0.status.rawValue)]) })
            },
        ]
    }
}

/// JSON in one style everywhere: snake_case keys as the API writes them, printed by `JSONValue`.
enum JSONText {
    static func value(_ value: some Encodable) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try JSONValue(parsing: encoder.encode(value))
    }

    static func encode(_ value: some Encodable) throws -> String {
        try Self.value(value).prettyText
    }
}
