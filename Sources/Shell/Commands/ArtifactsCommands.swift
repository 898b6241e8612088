import DbtCloud
import Foundation

struct ArtifactsCommand: ShellCommand {
    static let configuration = CommandConfiguration("artifacts", summary: "artifact paths of a run (see also 'artifacts get')",
                                                    discussion: "The table format is a path a line; json is the API's list of paths.",
                                                    fields: ["path"])
    @Option("step", .step, valueName: "N", help: "the artifacts of step N (default: the last step)") var step: Int?
    @Option("run", .run, valueName: "RUN", help: "another run than the context's") var runRef: String?
    @OptionGroup var output: OutputOptions

    func run(in session: Session) async throws -> Int32 {
        let account = try session.requireAccount()
        let runID = try await session.requireRun(runRef)
        var steps: [RunStep]?
        if step != nil { steps = try await ArtifactStore(session: session).steps(runID: runID).steps }
        if let step, let steps, !steps.contains(where: { $0.index == step }) {
            let indexes = steps.compactMap(\.index).sorted()
            let known = indexes.isEmpty ? "no steps yet" : "steps \(indexes[0])–\(indexes[indexes.count - 1])"
            throw CommandFailure.usage("artifacts: run \(runID) has no step \(step) (it has \(known); see 'steps')")
        }
        var paths = try await MissingArtifact(session: session).explaining(runID: runID, step: step) {
            try await session.api().runArtifacts(accountID: account, runID: runID, step: step)
        }
        if let step, let steps { paths = StepArtifacts.possible(paths, upTo: step, of: steps) }
        session.listings.store(paths.map { .init(id: $0, label: "") }, for: .artifacts(run: runID, step: step))
        let rows = DataRows(paths, fields: [.init("path", .init("PATH", priority: 0)) { .string($0) }], raw: { .string($0) })
        let none = paths.isEmpty ? await MissingArtifact(session: session).noArtifacts(runID: runID, step: step) : ""
        try DataOutput(session, output, command: "artifacts").print(rows, report: {
            if paths.isEmpty { session.console.errorLine(none) }
            for path in paths { session.console.line(path) }
        })
        return 0
    }
}

struct ArtifactsGetCommand: ShellCommand {
    static let configuration = CommandConfiguration(
        "artifacts get", summary: "download artifacts of a run",
        discussion: "Without --step, run_results.json and manifest.json come from the step that ran the dbt command (the failing one if any), not from the last step (a docs-generate step writes an all-green run_results.json). Files of finished runs are cached (1 GiB at most, DBTSH_CACHE_SIZE to change; --no-cache to bypass). Downloads stream to disk: a file is written whole or not at all. -o - writes to stdout, byte for byte (control characters made visible on a terminal).",
        examples: ["artifacts get run_results.json", "artifacts get manifest.json catalog.json -o target/", "artifacts get run_results.json --step 3 -o -"])
    @Argument("PATH", .artifactPath) var paths: [String]
    @Option("output-path", .file, short: "o", valueName: "FILE|DIR", help: "where to write (default: the current directory; - for stdout)")
    var target = "."
    @Option("step", .step, valueName: "N", help: "the artifact of step N") var step: Int?
    @Option("run", .run, valueName: "RUN", help: "another run than the context's") var runRef: String?
    @Flag("no-cache", help: "download again, and do not keep the file in the cache") var noCache: Bool

    func run(in session: Session) async throws -> Int32 {
        let runID = try await session.requireRun(runRef)
        for path in paths { _ = try ArtifactPath.validate(path) }
        let store = ArtifactStore(session: session, usesCache: !noCache)
        for path in paths {
            let destination = target == "-" ? nil : Destination.url(for: path, target: target, single: paths.count == 1)
            if let destination { try AtomicFile.prepareDirectory(for: destination) }
            let artifact = try await MissingArtifact(session: session).explaining(runID: runID, step: step) {
                try await store.fetch(runID: runID, path: path, step: step, into: destination.map { .file($0) } ?? .temporary)
            }
            defer { artifact.discard() }
            let stepText = artifact.step.map { "step \($0)" } ?? "last step"
            let size = ByteCount.text(Int(clamping: artifact.size))
            guard let destination else {
                try artifact.copy(to: session.console)
                session.console.errorLine("\(path) (\(stepText)): \(size)")
                continue
            }
            if artifact.url.standardizedFileURL.path != destination.standardizedFileURL.path {
                try AtomicFile.copy(artifact.url, to: destination)
            }
            session.console.errorLine("\(path) (\(stepText)) → \(destination.relativePath): \(size)")
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
