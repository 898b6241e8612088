import DbtArtifacts
import Foundation
import TestSupport

/// `catalog show` and `failures` on large synthetic artifacts, timed as whole processes.
struct ArtifactBenchmarks {
    let options: BenchOptions
    let workDirectory: String
    static let models = 3000

    struct Files {
        var catalog: String
        var manifest: String
        var runResults: String
        var node: String
    }

    func writeFiles() throws -> Files {
        try Self.writeFiles(into: workDirectory + "/artifacts")
    }

    static func writeFiles(into directory: String) throws -> Files {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files = Files(catalog: directory + "/catalog.json", manifest: directory + "/manifest.json",
                          runResults: directory + "/run_results.json",
                          node: shortName(SyntheticArtifacts.failingModelIDs(models: Self.models, failing: 1).first ?? ""))
        try SyntheticArtifacts.catalog(models: Self.models).write(to: URL(fileURLWithPath: files.catalog))
        try SyntheticArtifacts.manifest(models: Self.models).write(to: URL(fileURLWithPath: files.manifest))
        try SyntheticArtifacts.runResults(models: Self.models, failing: 5).write(to: URL(fileURLWithPath: files.runResults))
        return files
    }

    static func shortName(_ uniqueID: String) -> String {
        uniqueID.split(separator: ".").last.map(String.init) ?? uniqueID
    }

    static func size(_ path: String) -> String {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Format.mebibytes(bytes)
    }

    func run(into table: inout Table) {
        let files: Files
        do {
            files = try writeFiles()
        } catch {
            table.add(.failed("artifacts", "cannot write the synthetic files: \(error)"))
            return
        }
        let processes = ProcessBenchmarks(options: options, workDirectory: workDirectory)
        let environment = Spawner.environment(home: processes.home, extra: [:])
        let catalogSize = Self.size(files.catalog)
        let manifestSize = Self.size(files.manifest)
        let resultsSize = Self.size(files.runResults)

        // catalog show
        let catalogHelp = help(["catalog", "show"], environment: environment)
        if let catalogHelp, catalogHelp.contains("--file") {
            processes.measure("`catalog show \(files.node) --file` (\(Self.models) models)", runs: options.artifactRuns,
                              aim: "< 45 ms, < 40 MiB", note: "dbtsh -c, whole process; catalog.json \(catalogSize)",
                              into: &table) { rss in
                try Spawner.run(options.dbtsh, ["-c", "catalog show \(files.node) --file \(files.catalog)"],
                                environment: environment, stdout: .file(workDirectory + "/catalog.out", write: true),
                                stderr: .file(workDirectory + "/script.err", write: true), measureRSS: rss)
            }
        } else {
            processes.measure("catalog.json decode + show \(files.node) (\(Self.models) models)", runs: options.artifactRuns,
                              aim: "< 45 ms, < 40 MiB",
                              note: "STAND-IN: dbtsh-bench --probe process (DbtArtifacts), dbtsh has no `catalog show --file` yet; \(catalogSize)",
                              into: &table) { rss in
                try Spawner.run(options.benchExecutable, ["--probe", "catalog", files.catalog, files.node],
                                environment: environment, stderr: .file(workDirectory + "/script.err", write: true), measureRSS: rss)
            }
        }

        // failures
        let failuresHelp = help(["failures"], environment: environment) ?? ""
        let flags = FailuresFlags(help: failuresHelp, files: files)
        if let arguments = flags.arguments {
            processes.measure("`failures` on local files (\(Self.models) models)", runs: options.artifactRuns, aim: "",
                              note: "dbtsh -c, whole process; manifest \(manifestSize) + run_results \(resultsSize)",
                              into: &table) { rss in
                try Spawner.run(options.dbtsh, ["-c", (["failures"] + arguments).map(Self.quoted).joined(separator: " ")],
                                environment: environment, stdout: .file(workDirectory + "/failures.out", write: true),
                                stderr: .file(workDirectory + "/script.err", write: true), measureRSS: rss)
            }
        } else {
            processes.measure("manifest + run_results decode + FailureReport (\(Self.models) models)",
                              runs: options.artifactRuns, aim: "",
                              note: "STAND-IN: dbtsh-bench --probe process (DbtArtifacts), dbtsh has no `failures` on files yet; manifest \(manifestSize) + run_results \(resultsSize)",
                              into: &table) { rss in
                try Spawner.run(options.benchExecutable, ["--probe", "failures", files.manifest, files.runResults],
                                environment: environment, stderr: .file(workDirectory + "/script.err", write: true), measureRSS: rss)
            }
        }
    }

    /// `dbtsh -c 'help VERB…'`, or nil when the command is not there.
    func help(_ words: [String], environment: [String]) -> String? {
        let output = workDirectory + "/help.out"
        guard let outcome = try? Spawner.run(options.dbtsh, ["-c", "help " + words.joined(separator: " ")],
                                             environment: environment, stdout: .file(output, write: true),
                                             timeout: 10),
              outcome.exitStatus == 0 else { return nil }
        return try? String(contentsOfFile: output, encoding: .utf8)
    }

    static func quoted(_ word: String) -> String {
        word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=".contains($0) } ? word : "'" + word + "'"
    }

    /// Which file options `failures` offers, read from its help.
    struct FailuresFlags {
        var arguments: [String]?

        init(help: String, files: Files) {
            if help.contains("--run-results"), help.contains("--manifest") {
                arguments = ["--run-results", files.runResults, "--manifest", files.manifest]
            } else if help.contains("--dir") {
                arguments = ["--dir", (files.manifest as NSString).deletingLastPathComponent]
            } else if help.contains("--file") {
                arguments = ["--file", files.runResults] + (help.contains("--manifest") ? ["--manifest", files.manifest] : [])
            } else {
                arguments = nil
            }
        }
    }
}

/// `dbtsh-bench --probe …`: the DbtArtifacts work alone in a fresh process, so that the
/// parent can time it and read its peak RSS while dbtsh lacks the command.
enum Probe {
    static func run(_ arguments: [String]) -> Int32 {
        do {
            switch arguments.first {
            case "catalog" where arguments.count == 3:
                let catalog = try Catalog.decode(try Data(contentsOf: URL(fileURLWithPath: arguments[1]), options: .alwaysMapped))
                let index = CatalogIndex(catalog: catalog)
                guard case .found(let id) = index.resolve(arguments[2]), let detail = index.detail(uniqueID: id) else {
                    FileHandle.standardError.write(Data("probe: node \(arguments[2]) not found\n".utf8))
                    return 1
                }
                print("\(detail.relation) \(detail.columns.count) columns")
                return 0
            case "failures" where arguments.count == 3:
                let manifest = try Manifest.decode(try Data(contentsOf: URL(fileURLWithPath: arguments[1]), options: .alwaysMapped))
                let results = try RunResults.decode(try Data(contentsOf: URL(fileURLWithPath: arguments[2]), options: .alwaysMapped))
                let report = FailureReport(results: results, manifest: manifest)
                print("\(report.failures.count) failed, \(report.skipped.count) skipped")
                return 0
            default:
                FileHandle.standardError.write(Data("usage: dbtsh-bench --probe catalog FILE NODE | failures MANIFEST RUN_RESULTS\n".utf8))
                return 2
            }
        } catch {
            FileHandle.standardError.write(Data("probe: \(error)\n".utf8))
            return 1
        }
    }
}
