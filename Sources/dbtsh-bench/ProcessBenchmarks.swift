import Foundation
import Sandbox

/// Whole-process measurements of the release `dbtsh` binary (and of dbt-cloud-cli).
struct ProcessBenchmarks {
    let options: BenchOptions
    let workDirectory: String

    var home: String { workDirectory + "/home" }

    static let token = "dbtsh-demo-token"
    static let accountID = "43"

    /// The 10-command session of the benchmark, one command a line.
    static let script = [
        "use job 43167", "runs", "use run latest", "show", "jobs", "projects", "environments",
        "runs --status error", "context", "show job",
    ]

    /// The same work as separate dbt-cloud-cli 0.9.1 processes. `context` needs no request
    /// (dbtsh prints what it holds), so it has no counterpart; `use run latest` + `show` are
    /// the newest run of the job by list, then that run by id.
    static let dbtCloudCommands: [[String]] = [
        ["job", "get", "--job-id", "43167"],
        ["run", "list", "--job-id", "43167"],
        ["run", "list", "--job-id", "43167", "--order-by", "-id", "--limit", "1"],
        ["run", "get", "--run-id", "902"],
        ["job", "list"],
        ["project", "list"],
        ["environment", "list", "--project-id", "100"],
        ["run", "list", "--job-id", "43167", "--status", "Failed"],
        ["job", "get", "--job-id", "43167"],
    ]

    func credentials(host: String? = nil) -> [String: String] {
        var env = ["DBT_CLOUD_API_TOKEN": Self.token, "DBT_CLOUD_ACCOUNT_ID": Self.accountID]
        if let host { env["DBT_CLOUD_HOST"] = host }
        return env
    }

    // MARK: 1. start-up

    func startup(sandbox: SandboxServer, into table: inout Table) {
        let host = sandbox.baseURL.absoluteString
        var env = credentials()
        env["TERM"] = "xterm-256color"
        let environment = Spawner.environment(home: home, extra: env)
        let arguments = ["--host", host]

        var promptTimes: [Double] = []
        var promptCPU: [Double] = []
        var promptRSS = 0
        var failure: String?
        let runs = options.processRuns
        let rssRuns = min(3, runs)
        for index in 0..<(2 + runs + rssRuns) { // two warm-up runs, timed runs, RSS runs
            let rss = index >= 2 + runs
            do {
                let outcome = try Spawner.runInTerminal(options.dbtsh, arguments, environment: environment,
                                                        afterPrompt: "exit\r", promptSeen: Self.promptSeen,
                                                        measureRSS: rss)
                guard let prompt = outcome.promptSeconds else {
                    failure = "no prompt within the deadline (exit \(outcome.exitStatus))"
                    break
                }
                if index >= 2 && !rss {
                    promptTimes.append(prompt)
                    promptCPU.append(outcome.cpuSeconds)
                }
                if rss || (index >= 2 && !RSSProbe.available) { promptRSS = max(promptRSS, outcome.peakRSSBytes) }
            } catch {
                failure = "\(error)"
                break
            }
        }
        if let failure {
            table.add(.failed("start-up to first prompt (pty)", failure))
        } else {
            table.add(.timing("start-up to first prompt (pty)", Samples(promptTimes), rss: promptRSS, cpu: Samples(promptCPU),
                              aim: "< 25 ms",
                              note: "openpty; spawn → `dbt … >` on the terminal; RSS and CPU of the whole session, start to `exit`" + Self.rssCaveat))
        }

        let plain = Spawner.environment(home: home, extra: credentials())
        measure("`dbtsh -c exit`", runs: options.processRuns, aim: "< 50 ms", note: "posix_spawn → wait4", into: &table) { rss in
            try Spawner.run(options.dbtsh, arguments + ["-c", "exit"], environment: plain, measureRSS: rss)
        }
    }

    /// The prompt is on screen: `dbt` and later a `>`, after the last line break.
    static func promptSeen(_ screen: String) -> Bool {
        let lastLine = screen.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        guard let dbt = lastLine.range(of: "dbt") else { return false }
        return lastLine[dbt.upperBound...].contains(">")
    }

    // MARK: 2. a 10-command script

    func script(sandbox: SandboxServer, tlsSandbox: SandboxServer?, certificateFile: String?, into table: inout Table) {
        let scriptFile = workDirectory + "/session.dbtsh"
        try? (Self.script.joined(separator: "\n") + "\n").write(toFile: scriptFile, atomically: true, encoding: .utf8)
        let environment = Spawner.environment(home: home, extra: credentials())
        let stdoutFile = workDirectory + "/script.out"
        let stderrFile = workDirectory + "/script.err"

        let plainMedian = measure("10-command script, one dbtsh (http)", runs: options.scriptRuns, aim: "",
                                  note: "stdin script on the sandbox, plain http", into: &table) { rss in
            try Spawner.run(options.dbtsh, ["--host", sandbox.baseURL.absoluteString], environment: environment,
                            stdin: .file(scriptFile, write: false), stdout: .file(stdoutFile, write: true),
                            stderr: .file(stderrFile, write: true), measureRSS: rss)
        }
        _ = plainMedian

        guard let tlsSandbox, let certificateFile else { return }
        let tlsMedian = measure("10-command script, one dbtsh (https)", runs: options.scriptRuns, aim: "",
                                note: "same, TLS sandbox, --ca-file", into: &table) { rss in
            try Spawner.run(options.dbtsh, ["--host", tlsSandbox.baseURL.absoluteString, "--ca-file", certificateFile],
                            environment: environment, stdin: .file(scriptFile, write: false),
                            stdout: .file(stdoutFile, write: true), stderr: .file(stderrFile, write: true),
                            measureRSS: rss)
        }

        guard let dbtCloud = options.dbtCloud else {
            table.add(.text("same work, dbt-cloud-cli 0.9.1", "skipped", note: "pass --with-dbt-cloud-cli to bench.sh"))
            return
        }
        let port = tlsSandbox.baseURL.port ?? 443
        let cliEnvironment = Spawner.environment(home: home, extra: credentials(host: "127.0.0.1:\(port)").merging(
            ["REQUESTS_CA_BUNDLE": certificateFile, "PYTHONDONTWRITEBYTECODE": "1"]) { $1 })
        let cliMedian = measure("same work, \(Self.dbtCloudCommands.count) dbt-cloud-cli 0.9.1 processes (https)",
                                runs: options.cliRuns, aim: "",
                                note: "one process per command, wall time summed, RSS = largest", into: &table) { rss in
            var total = ChildOutcome(wallSeconds: 0, exitStatus: 0, peakRSSBytes: 0, promptSeconds: nil, timedOut: false)
            for command in Self.dbtCloudCommands {
                let outcome = try Spawner.run(dbtCloud, command, environment: cliEnvironment,
                                              stdout: .file(stdoutFile, write: true), stderr: .file(stderrFile, write: true),
                                              measureRSS: rss)
                total.wallSeconds += outcome.wallSeconds
                total.cpuSeconds += outcome.cpuSeconds
                total.peakRSSBytes = max(total.peakRSSBytes, outcome.peakRSSBytes)
                if outcome.exitStatus != 0 || outcome.timedOut {
                    total.exitStatus = outcome.exitStatus
                    total.timedOut = total.timedOut || outcome.timedOut
                    break
                }
            }
            return total
        }
        if let tlsMedian, let cliMedian {
            table.add(.text("ratio dbt-cloud-cli / dbtsh (https)", Format.ratio(cliMedian / tlsMedian),
                            note: "median wall time, same sandbox"))
        }
    }

    // MARK: helpers

    /// Runs `body` once to warm up, `runs` times for wall time, then `rssRuns` times through
    /// the RSS probe (see ``RSSProbe``); adds a row; returns the median wall time.
    @discardableResult
    func measure(_ name: String, runs: Int, aim: String, note: String, into table: inout Table,
                 _ body: (_ measureRSS: Bool) throws -> ChildOutcome) -> Double? {
        var times: [Double] = []
        var cpu: [Double] = []
        var peak = 0
        let rssRuns = min(3, runs)
        do {
            for index in 0..<(1 + runs + rssRuns) {
                let rss = index > runs
                let outcome = try body(rss)
                if let failure = failure(of: outcome) {
                    table.add(.failed(name, failure))
                    return nil
                }
                if index > 0 && !rss {
                    times.append(outcome.wallSeconds)
                    cpu.append(outcome.cpuSeconds)
                }
                if rss || !RSSProbe.available { peak = max(peak, outcome.peakRSSBytes) }
            }
        } catch {
            table.add(.failed(name, "\(error)"))
            return nil
        }
        let samples = Samples(times)
        table.add(.timing(name, samples, rss: peak, cpu: Samples(cpu), aim: aim, note: note + Self.rssCaveat))
        return samples.median
    }

    static var rssCaveat: String {
        RSSProbe.available ? "" : " (RSS: upper bound, includes the bench's own; install GNU time)"
    }

    func failure(of outcome: ChildOutcome) -> String? {
        if outcome.timedOut { return "timed out" }
        guard outcome.exitStatus != 0 else { return nil }
        let stderr = (try? String(contentsOfFile: workDirectory + "/script.err", encoding: .utf8)) ?? ""
        let firstLine = stderr.split(separator: "\n").first.map(String.init) ?? ""
        return "exit \(outcome.exitStatus) \(firstLine)"
    }
}
