import DbtCloud
import Foundation

struct ArtifactsCommand: ShellCommand {
    static let configuration = CommandConfiguration("artifacts", summary: "artifact paths of a run (see also 'artifacts get')")
    @Option("step", .step, valueName: "N", help: "the artifacts of step N (default: the last step)") var step: Int?
    @Option("run", .run, valueName: "RUN", help: "another run than the context's") var runRef: String?
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let runID = try await session.requireRun(runRef)
        let paths = try await MissingArtifact(session: session).explaining(runID: runID, step: step) {
            try await session.api().runArtifacts(accountID: account, runID: runID, step: step)
        }
        session.listings.store(paths.map { .init(id: $0, label: "") }, for: .artifacts(run: runID, step: step))
        if output.wantsJSON(in: session) {
            session.console.line(JSONValue.array(paths.map(JSONValue.string)).prettyText)
        } else if paths.isEmpty {
            session.console.errorLine(await MissingArtifact(session: session).noArtifacts(runID: runID, step: step))
        } else {
            for path in paths { session.console.line(path) }
        }
        return 0
    }
}

struct ArtifactsGetCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "artifacts get", summary: "download artifacts of a run",
        discussion: "Without --step, run_results.json and manifest.json come from the step that ran the dbt command (the failing one if any), not from the last step (a docs-generate step writes an all-green run_results.json). Files of finished runs are cached. -o - writes to stdout.",
        examples: ["artifacts get run_results.json", "artifacts get manifest.json catalog.json -o target/", "artifacts get run_results.json --step 3 -o -"])
    @Argument("PATH", .artifactPath) var paths: [String]
    @Option("output-path", .file, short: "o", valueName: "FILE|DIR", help: "where to write (default: the current directory; - for stdout)")
    var target = "."
    @Option("step", .step, valueName: "N", help: "the artifact of step N") var step: Int?
    @Option("run", .run, valueName: "RUN", help: "another run than the context's") var runRef: String?

    func run(in session: Session) async throws -> Int32 {
        let runID = try await session.requireRun(runRef)
        for path in paths { try ArtifactPath.validate(path) }
        let store = ArtifactStore(session: session)
        for path in paths {
            let (data, usedStep) = try await MissingArtifact(session: session).explaining(runID: runID, step: step) {
                try await store.data(runID: runID, path: path, step: step)
            }
            let stepText = usedStep.map { "step \($0)" } ?? "last step"
            if target == "-" {
                session.console.outBytes(data)
                session.console.errorLine("\(path) (\(stepText)): \(ByteCount.text(data.count))")
                continue
            }
            let destination = Destination.url(for: path, target: target, single: paths.count == 1)
            try AtomicFile.write(data, to: destination)
            session.console.errorLine("\(path) (\(stepText)) → \(destination.relativePath): \(ByteCount.text(data.count))")
        }
        return 0
    }

    enum Destination {
        /// A directory target keeps the artifact's relative path under it; a single artifact
        /// may be written to a file name instead.
        static func url(for path: String, target: String, single: Bool) -> URL {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory)
            if single, !target.hasSuffix("/"), !(exists && isDirectory.boolValue) {
                return URL(fileURLWithPath: target)
            }
            return URL(fileURLWithPath: target).appendingPathComponent(path)
        }
    }
}

enum ByteCount {
    static func text(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        if count < 1024 * 1024 { return String(format: "%.1f kB", Double(count) / 1024) }
        return String(format: "%.1f MB", Double(count) / 1_048_576)
    }
}
