import Foundation
import Sandbox

// dbtsh-bench: measures the release dbtsh against the in-process sandbox on 127.0.0.1 and
// prints one Markdown table. Budgets live here, never in timed tests (issue 7).
//
//   dbtsh-bench [--dbtsh PATH] [--dbt-cloud PATH] [--runs N] [--quick] [--only LIST] [--out FILE]
//   dbtsh-bench --only hostile   (1 GiB artifact RSS, giving up on silent and trickling servers)
//   dbtsh-bench --write-artifacts DIR   (the synthetic files of benchmark 5, to try by hand)
//   dbtsh-bench --probe catalog FILE NODE | failures MANIFEST RUN_RESULTS   (internal)

struct BenchOptions {
    var dbtsh: String
    var benchExecutable: String
    var dbtCloud: String?
    var processRuns = 30
    var scriptRuns = 10
    var cliRuns = 3
    var artifactRuns = 10
    var completionIterations = 1000
    var pagingRuns = 5
    var storyRuns = 10
    var only: Set<String> = ["startup", "script", "completion", "json", "paging", "artifacts", "story"]
    var out: String?

    static let usage = """
    usage: dbtsh-bench [--dbtsh PATH] [--dbt-cloud PATH] [--runs N] [--quick] [--only startup,script,completion,json,paging,artifacts,story,hostile] [--out FILE]
      hostile (not in the default set): a 1 GiB artifact's peak RSS, time to give up on silent and trickling servers
    """

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        let executable = Self.executablePath()
        let directory = (executable as NSString).deletingLastPathComponent
        var options = BenchOptions(dbtsh: directory + "/dbtsh", benchExecutable: executable)
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchError("\(flag) needs a value\n\(usage)") }
            return next
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--dbtsh": options.dbtsh = try value(flag)
            case "--dbt-cloud": options.dbtCloud = try value(flag)
            case "--out": options.out = try value(flag)
            case "--only": options.only = Set(try value(flag).split(separator: ",").map(String.init))
            case "--runs":
                guard let runs = Int(try value(flag)), runs > 0, runs <= 1000 else { throw BenchError("--runs: 1…1000") }
                options.processRuns = runs
                options.scriptRuns = max(3, runs / 3)
                options.artifactRuns = max(3, runs / 3)
                options.storyRuns = max(3, runs / 3)
            case "--quick":
                options.processRuns = 5
                options.scriptRuns = 3
                options.cliRuns = 1
                options.artifactRuns = 3
                options.completionIterations = 200
                options.pagingRuns = 2
                options.storyRuns = 3
            case "-h", "--help":
                print(usage)
                exit(0)
            default:
                throw BenchError("unknown option \(flag)\n\(usage)")
            }
        }
        guard FileManager.default.isExecutableFile(atPath: options.dbtsh) else {
            throw BenchError("no dbtsh binary at \(options.dbtsh) (build it: swift build -c release --product dbtsh)")
        }
        if let cli = options.dbtCloud, !FileManager.default.isExecutableFile(atPath: cli) {
            throw BenchError("no dbt-cloud executable at \(cli)")
        }
        return options
    }

    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
    }
}

func log(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func machineLine() -> String {
    var info = utsname()
    uname(&info)
    let release = withUnsafeBytes(of: &info.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let machine = withUnsafeBytes(of: &info.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    return "Linux \(release) \(machine), \(ProcessInfo.processInfo.activeProcessorCount) cores"
}

func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

func runBenchmarks(_ options: BenchOptions) async throws -> Int32 {
    let loadBefore = loadAverage()
    let workDirectory = NSTemporaryDirectory() + "dbtsh-bench-\(ProcessInfo.processInfo.processIdentifier)"
    try FileManager.default.createDirectory(atPath: workDirectory + "/home", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: workDirectory) }

    var table = Table()
    let processes = ProcessBenchmarks(options: options, workDirectory: workDirectory)

    if !options.only.isDisjoint(with: ["startup", "script", "completion", "json"]) {
        let sandbox = try await SandboxServer.start(SandboxConfiguration())
        log("sandbox: \(sandbox.baseURL.absoluteString)")
        if options.only.contains("startup") {
            log("1. start-up")
            processes.startup(sandbox: sandbox, into: &table)
        }
        if options.only.contains("script") {
            log("2. 10-command script")
            let tlsSandbox = try? await SandboxServer.start(SandboxConfiguration(tls: true))
            var certificateFile: String?
            if let pem = tlsSandbox?.certificatePEM {
                let path = workDirectory + "/sandbox-ca.pem"
                try pem.write(toFile: path, atomically: true, encoding: .utf8)
                certificateFile = path
            }
            processes.script(sandbox: sandbox, tlsSandbox: tlsSandbox, certificateFile: certificateFile, into: &table)
            await tlsSandbox?.stop()
        }
        if options.only.contains("completion") {
            log("3. completion")
            await InProcessBenchmarks.completion(sandbox: sandbox, iterations: options.completionIterations, into: &table)
            InProcessBenchmarks.apiPaths(iterations: options.completionIterations, into: &table)
        }
        if options.only.contains("json") {
            log("3b. JSON readers")
            await JSONReaderBenchmarks.run(sandbox: sandbox, iterations: options.completionIterations / 5, into: &table)
        }
        await sandbox.stop()
    }
    if options.only.contains("paging") {
        log("4. listing 2,600 runs")
        let sandbox = try await SandboxServer.start(SandboxConfiguration(extraRuns: 2600))
        await InProcessBenchmarks.paging(sandbox: sandbox, runs: options.pagingRuns, latency: 0.1, into: &table)
        await sandbox.stop()
    }
    if options.only.contains("artifacts") {
        log("5. artifacts")
        ArtifactBenchmarks(options: options, workDirectory: workDirectory).run(into: &table)
    }
    if options.only.contains("story") {
        log("6. debugging a red job: explain, bisect, timeline")
        let sandbox = try await SandboxServer.start(SandboxConfiguration())
        await StoryBenchmarks.run(sandbox: sandbox, runs: options.storyRuns, into: &table)
        await sandbox.stop()
    }
    if options.only.contains("hostile") {
        log("7. hostile servers (about two minutes)")
        await HostileBenchmarks(options: options, workDirectory: workDirectory).run(into: &table)
    }

    let rendered = table.render()
    print(rendered, terminator: "")
    if let out = options.out {
        let formatter = ISO8601DateFormatter()
        let header = """
        # dbtsh benchmarks

        \(formatter.string(from: Date())) — \(machineLine()) — release build — sandbox on 127.0.0.1
        — load average before \(loadBefore), after \(loadAverage())

        Spread is min – max over the runs (after warm-up), or p99 where marked. Peak RSS is the
        child's high-water mark (GNU time's %M over 3 extra runs; see RSSProbe in Spawn.swift).
        CPU is the child's median user + system time, steadier than wall time on a busy machine.


        """
        let directory = (out as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try (header + rendered).write(toFile: out, atomically: true, encoding: .utf8)
        log("written: \(out)")
    }
    return table.rows.contains { $0.runs == "0" } ? 1 : 0
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--probe" {
    exit(Probe.run(Array(arguments.dropFirst())))
}
if arguments.first == "--write-artifacts", arguments.count == 2 {
    // The synthetic files of benchmark 5, kept, to try the commands by hand.
    do {
        let files = try ArtifactBenchmarks.writeFiles(into: arguments[1])
        print("\(files.catalog)\n\(files.manifest)\n\(files.runResults)\nnode: \(files.node)")
        exit(0)
    } catch {
        log("dbtsh-bench: \(error)")
        exit(1)
    }
}
do {
    let options = try BenchOptions.parse(arguments)
    exit(try await runBenchmarks(options))
} catch {
    log("dbtsh-bench: \(error)")
    exit(2)
}
