import Foundation
import Sandbox
import Testing
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Spawning the built dbtsh against an in-process sandbox

/// What one spawned `dbtsh` printed and how it ended.
struct SpawnedResult: CustomStringConvertible {
    var status: Int32
    /// The signal that ended the process, if one did (a crash).
    var signal: Int32?
    var stdout: String
    var stderr: String
    var seconds: Double
    /// stdout byte for byte.
    var stdoutBytes = Data()
    /// The child's peak resident set (VmHWM), sampled while it ran.
    var peakRSSKiB = 0

    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }

    var description: String {
        "status \(status)\(signal.map { " (signal \($0))" } ?? "") after \(String(format: "%.1f", seconds))s\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// A temporary HOME with its own XDG config/state/cache dirs, for one or a few spawned shells.
struct ScratchHome {
    let root: URL
    var config: URL { root.appendingPathComponent("config") }
    var state: URL { root.appendingPathComponent("state") }
    var cache: URL { root.appendingPathComponent("cache") }
    /// The working directory of spawned shells (where relative writes land).
    var work: URL { root.appendingPathComponent("work") }

    static func make() throws -> ScratchHome {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("dbtsh-e2e-\(UUID().uuidString.prefix(12))", isDirectory: true)
        let home = ScratchHome(root: root)
        for directory in [home.config, home.state, home.cache, home.work] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        return home
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Only these variables: nothing of the developer's own dbt Cloud setup leaks in.
    var environment: [String: String] {
        [
            "HOME": root.path,
            "XDG_CONFIG_HOME": config.path,
            "XDG_STATE_HOME": state.path,
            "XDG_CACHE_HOME": cache.path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
        ]
    }

    /// Every regular file under the home (relative paths), for "nothing was left behind" checks.
    func allFiles(under directory: URL? = nil) -> [String] {
        let base = directory ?? root
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var files: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(String(url.resolvingSymlinksInPath().path.dropFirst(base.resolvingSymlinksInPath().path.count + 1)))
        }
        return files.sorted()
    }
}

/// Runs the built `dbtsh` as a subprocess: stdin a script, stdout/stderr captured through files.
/// Never blocks a thread while it waits, so the in-process sandbox keeps answering.
enum SpawnedDbtsh {
    static let accountID = "43"

    static func run(
        _ arguments: [String], script: String = "", home: ScratchHome, token: String? = DemoWorld.token,
        environment extra: [String: String] = [:], timeout: Double = 40
    ) async throws -> SpawnedResult {
        let io = home.root.appendingPathComponent("io-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: io, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: io) }
        let input = io.appendingPathComponent("stdin")
        let output = io.appendingPathComponent("stdout")
        let errors = io.appendingPathComponent("stderr")
        try Data(script.utf8).write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)

        var environment = home.environment
        environment["DBT_CLOUD_ACCOUNT_ID"] = accountID
        if let token { environment["DBT_CLOUD_API_TOKEN"] = token }
        environment.merge(extra) { _, new in new }

        let process = Process()
        process.executableURL = try ProductLocator.executable(named: "dbtsh")
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = home.work
        let stdin = try FileHandle(forReadingFrom: input)
        let stdout = try FileHandle(forWritingTo: output)
        let stderr = try FileHandle(forWritingTo: errors)
        defer {
            try? stdin.close()
            try? stdout.close()
            try? stderr.close()
        }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr

        let started = ContinuousClock.now
        try process.run()
        var peakRSSKiB = 0
        // Polls: each pass samples the child's memory, and a child past `timeout` is a hang.
        while process.isRunning {
            peakRSSKiB = max(peakRSSKiB, ChildMemory.highWaterKiB(of: process.processIdentifier) ?? 0)
            if ContinuousClock.now - started > .seconds(timeout) {
                process.terminate()
                try await Task.sleep(for: .milliseconds(300))
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
                Issue.record("dbtsh \(arguments) still running after \(timeout)s; killed")
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let signaled = process.terminationReason == .uncaughtSignal
        let stdoutBytes = (try? Data(contentsOf: output)) ?? Data()
        return SpawnedResult(
            status: process.terminationStatus,
            signal: signaled ? process.terminationStatus : nil,
            stdout: String(decoding: stdoutBytes, as: UTF8.self),
            stderr: String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self),
            seconds: Self.seconds(ContinuousClock.now - started),
            stdoutBytes: stdoutBytes,
            peakRSSKiB: peakRSSKiB)
    }

    /// `dbtsh --host <sandbox>` reading `script` on stdin.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func run(script: String, on server: SandboxServer, home: ScratchHome, extraArguments: [String] = [],
                    token: String? = DemoWorld.token, environment: [String: String] = [:]) async throws -> SpawnedResult {
        try await run(["--host", server.baseURL.absoluteString] + extraArguments, script: script, home: home,
                      token: token, environment: environment)
    }
}

/// A running child's memory, from /proc (its own high-water mark: `ru_maxrss` of a spawned
/// child inherits the parent's).
enum ChildMemory {
    static func highWaterKiB(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
}

/// A fresh sandbox (fast simulated runs) and a scratch home for one test.
func withFaultSandbox<T>(stepSeconds: Double = 0.15, secondAccount: Bool = false,
                         _ body: (SandboxServer, ScratchHome) async throws -> T) async throws -> T {
    let server = try await SandboxServer.start(SandboxConfiguration(stepSeconds: stepSeconds, secondAccount: secondAccount))
    let home: ScratchHome
    do { home = try ScratchHome.make() } catch {
        await server.stop()
        throw error
    }
    do {
        let result = try await body(server, home)
        await server.stop()
        home.remove()
        return result
    } catch {
        await server.stop()
        home.remove()
        throw error
    }
}

/// Checks for the one-line failure of SHELL.md §5: exit `code`, nothing on stdout, exactly one
/// stderr line starting `error: `, no crash and no stack trace.
func expectOneLineFailure(_ result: SpawnedResult, exitCode code: Int32, mentioning fragment: String? = nil,
                          allowOtherStderrLines: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.signal == nil, "dbtsh crashed: \(result)", sourceLocation: sourceLocation)
    expectExitCode(result, code, sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "stdout should be empty: \(result)", sourceLocation: sourceLocation)
    let lines = result.stderrLines
    if allowOtherStderrLines {
        #expect(lines.last?.hasPrefix("error: ") == true, "the last stderr line should be `error: …`: \(result)", sourceLocation: sourceLocation)
    } else {
        #expect(lines.count == 1, "expected one stderr line: \(result)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("error: ") == true, "expected `error: …`: \(result)", sourceLocation: sourceLocation)
    }
    expectNoStackTrace(result, sourceLocation: sourceLocation)
    if let fragment {
        #expect(lines.last?.contains(fragment) == true, "the error should mention \(fragment.debugDescription): \(result)",
                sourceLocation: sourceLocation)
    }
}

/// Where two outputs part, for a readable failure.
func firstDifference(_ expected: String, _ actual: String) -> String {
    let left = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let right = actual.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(left.count, right.count) {
        let a = index < left.count ? String(left[index]) : "<end>"
        let b = index < right.count ? String(right[index]) : "<end>"
        if a != b {
            let context = left[max(0, index - 6)..<min(left.count, index)].joined(separator: "\n")
            return "line \(index + 1) of \(left.count)/\(right.count):\n  expected: \(a)\n  actual:   \(b)\n  after:\n\(context)"
        }
    }
    return "no difference"
}

/// The `id`s of a JSON array of objects (`--output json` of a listing).
func jsonIDs(_ text: String) -> [Int] {
    guard let array = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] else { return [] }
    return array.compactMap { ($0["id"] as? NSNumber)?.intValue }
}

func expectNoStackTrace(_ result: SpawnedResult, sourceLocation: SourceLocation = #_sourceLocation) {
    for marker in ["Fatal error", "Stack dump", "Backtrace", "backtrace", "Current stack trace", "Swift runtime failure", "0x0000"] {
        #expect(!result.stderr.contains(marker), "stack trace or crash text (\(marker)) on stderr: \(result)", sourceLocation: sourceLocation)
    }
}

func expectExitCode(_ result: SpawnedResult, _ code: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == code, "exit code: \(result)", sourceLocation: sourceLocation)
}

// MARK: - The fault suite

/// Transient failures of dbt Cloud (429 with Retry-After, 5xx, resets, cut bodies) seen through the
/// built binary: within the retry budget every command succeeds with the same output; beyond it,
/// one `error:` line and exit 5; a POST is never sent twice; a cut download leaves no file.
///
/// The client retries within a time budget (`RetryPolicy.standard`: 30 s, backoff 0.5 s, 1 s,
/// 2 s… with jitter; Retry-After honoured); tests of what happens past it shorten it with
/// `DBTSH_RETRY_BUDGET`. Faults within the budget fire at most twice and Retry-After is 1 s.
/// Tests run in parallel, each with its own sandbox.
@Suite("faults through the built dbtsh")
struct FaultSuiteTests {
    /// The budget of tests that go past it. Short, so a fault that lasts ends the test soon; not
    /// shorter, because every sandbox lives in this test process, and on a loaded 2-core machine
    /// its answers can be held up for seconds (then the error is a timeout, not the fault's own).
    static let shortBudget = "15s"

    /// Listings, and the show/steps commands that read one object, each as a script. Run
    /// listings leave out runs in progress (the demo's running build), whose duration grows
    /// between the clean and the faulted listing.
    static let listings = [
        "jobs", "runs --status success,error,cancelled", "runs --job 43167", "projects", "environments", "accounts", "connections", "users", "webhooks",
        "use project 100; repositories", "show job 43167", "steps 902", "jobs --output json",
    ]

    // MARK: Within the budget

    @Test("a listing survives two 429s with Retry-After", arguments: listings)
    func listingSurvives429(_ command: String) async throws {
        try await withFaultSandbox { server, home in
            let clean = try await SpawnedDbtsh.run(script: command + "\n", on: server, home: home)
            try #require(clean.status == 0, "baseline: \(clean)")
            try #require(!clean.stdout.isEmpty, "baseline printed nothing: \(clean)")
            let sentBefore = server.requestLog.entries().count
            server.faults.add(FaultRule(.tooManyRequests(retryAfterSeconds: 1), every: 1, times: 2, method: "GET"))
            let faulted = try await SpawnedDbtsh.run(script: command + "\n", on: server, home: home)
            #expect(faulted.status == 0, "\(faulted)")
            #expect(faulted.stdout == clean.stdout, "output differs after 429s: \(firstDifference(clean.stdout, faulted.stdout))")
            #expect(faulted.stderr == clean.stderr, "stderr differs after 429s: \(faulted)")
            // The two refused requests were sent again after Retry-After.
            #expect(faulted.seconds >= 1.8, "Retry-After: 1 was not honoured (\(faulted.seconds)s)")
            #expect(server.requestLog.entries().count - sentBefore >= 3)
        }
    }

    enum TransientFault: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case serviceUnavailable, internalError, badGatewayHTML, gatewayTimeout, connectionReset, truncatedJSON, tooManyRequests

        var kind: FaultKind {
            switch self {
            case .serviceUnavailable: .serverError(status: 503)
            case .internalError: .serverError(status: 500)
            case .badGatewayHTML: .htmlBadGateway
            case .gatewayTimeout: .serverError(status: 504)
            case .connectionReset: .connectionReset
            case .truncatedJSON: .truncatedJSON
            case .tooManyRequests: .tooManyRequests(retryAfterSeconds: 1)
            }
        }

        var testDescription: String { rawValue }
    }

    @Test("jobs (two pages) survive transient faults within the budget", arguments: TransientFault.allCases)
    func pagedListingSurvives(_ fault: TransientFault) async throws {
        try await withFaultSandbox { server, home in
            let clean = try await SpawnedDbtsh.run(script: "jobs --output json\n", on: server, home: home)
            try #require(clean.status == 0, "baseline: \(clean)")
            // Twice on the first page, once on the second (limit 100 of 141 jobs).
            server.faults.add(FaultRule(fault.kind, every: 1, times: 2, method: "GET", pathContains: "/jobs/"))
            let faulted = try await SpawnedDbtsh.run(script: "jobs --output json\n", on: server, home: home)
            #expect(faulted.status == 0, "\(faulted)")
            #expect(faulted.stdout == clean.stdout, "output differs after \(fault): \(firstDifference(clean.stdout, faulted.stdout))")
            #expect(faulted.stderr.isEmpty, "a recovered fault should be silent: \(faulted)")
            expectNoStackTrace(faulted)
        }
    }

    @Test("every other request failing with 503 still lists every run (sequential pages)")
    func everyOtherRequestFails() async throws {
        try await withFaultSandbox { server, home in
            let script = "runs --all --status success,error,cancelled --output json\n"
            let clean = try await SpawnedDbtsh.run(script: script, on: server, home: home)
            try #require(clean.status == 0, "baseline: \(clean)")
            server.faults.add(FaultRule(.serverError(status: 503), every: 2, times: 3, method: "GET"))
            let faulted = try await SpawnedDbtsh.run(script: script, on: server, home: home)
            #expect(faulted.status == 0, "\(faulted)")
            #expect(faulted.stdout == clean.stdout, "\(firstDifference(clean.stdout, faulted.stdout))")
        }
    }

    @Test("wait on finished runs survives faults and keeps the run's exit code",
          arguments: [("913", Int32(0)), ("902", Int32(1)), ("912", Int32(7))])
    func waitOnFinishedRun(run: String, expected: Int32) async throws {
        try await withFaultSandbox { server, home in
            server.faults.add(FaultRule(.tooManyRequests(retryAfterSeconds: 1), every: 1, times: 1, method: "GET", pathContains: "/runs/"))
            server.faults.add(FaultRule(.connectionReset, every: 1, times: 1, method: "GET", pathContains: "/runs/"))
            server.faults.add(FaultRule(.serverError(status: 503), every: 1, times: 1, method: "GET", pathContains: "/runs/"))
            let result = try await SpawnedDbtsh.run(script: "wait \(run) --interval 100ms\n", on: server, home: home)
            #expect(result.status == expected, "\(result)")
            #expect(result.stdout.contains(run), "the final run should be printed on stdout: \(result)")
            expectNoStackTrace(result)
        }
    }

    @Test("run --wait survives 429s, 503s and resets while polling", arguments: [("43168", Int32(0)), ("43167", Int32(1))])
    func runWaitSurvivesPollingFaults(job: String, expected: Int32) async throws {
        try await withFaultSandbox { server, home in
            server.faults.add(FaultRule(.tooManyRequests(retryAfterSeconds: 1), every: 3, times: 1, method: "GET", pathContains: "/runs/"))
            server.faults.add(FaultRule(.connectionReset, every: 2, times: 2, method: "GET", pathContains: "/runs/"))
            server.faults.add(FaultRule(.serverError(status: 503), every: 2, times: 2, method: "GET", pathContains: "/runs/"))
            let result = try await SpawnedDbtsh.run(
                script: "use job \(job)\nrun --wait --interval 100ms\n", on: server, home: home)
            #expect(result.status == expected, "\(result)")
            expectNoStackTrace(result)
            let triggers = server.requestLog.entries().filter { $0.method == "POST" && $0.path.contains("/run/") }
            #expect(triggers.count == 1, "exactly one trigger POST, saw \(triggers.count)")
        }
    }

    @Test("a 429 on the trigger is retried after Retry-After and creates exactly one run")
    func triggerRefusedWith429() async throws {
        try await withFaultSandbox { server, home in
            server.faults.add(FaultRule(.tooManyRequests(retryAfterSeconds: 1), every: 1, times: 1, method: "POST"))
            let result = try await SpawnedDbtsh.run(script: "use job 43168\nrun --wait --interval 100ms\n", on: server, home: home)
            #expect(result.status == 0, "\(result)")
            let triggered = result.stderr.components(separatedBy: "triggered run ").count - 1
            #expect(triggered == 1, "\(result)")
            // The refused POST never reached the API; the one that did created the only new run.
            let after = try await SpawnedDbtsh.run(script: "runs --job 43168 --output json\n", on: server, home: home)
            let triggeredRuns = jsonIDs(after.stdout).filter { $0 >= 100_000 }
            #expect(triggeredRuns.count == 1, "runs triggered: \(triggeredRuns); \(after)")
        }
    }

    // MARK: Beyond the budget

    @Test("a listing beyond the retry budget: one error line, exit 5", arguments: [
        TransientFault.serviceUnavailable, .badGatewayHTML, .connectionReset, .truncatedJSON, .tooManyRequests,
    ])
    func listingBeyondBudget(_ fault: TransientFault) async throws {
        try await withFaultSandbox { server, home in
            server.faults.add(FaultRule(fault.kind, every: 1, method: "GET", pathContains: "/projects/"))
            let result = try await SpawnedDbtsh.run(
                script: "projects\n", on: server, home: home, environment: ["DBTSH_RETRY_BUDGET": Self.shortBudget])
            // A 429 still there after every retry is transient ("try again later"): 5, like a 503.
            expectOneLineFailure(result, exitCode: 5, mentioning: "/projects/")
            let attempts = server.requestLog.entries().filter { $0.path.contains("/projects/") }.count
            #expect(attempts > 1, "not retried at all")
            #expect(attempts <= 12, "retried \(attempts) times within a 15 s budget")
            // Time is the behaviour: the 15 s budget must end it; 40 s leaves a loaded machine room.
            #expect(result.seconds < 40, "gave up only after \(result.seconds)s")
            if fault == .truncatedJSON {
                #expect(result.stderr.lowercased().contains("json"), "a cut body should be named as such: \(result)")
            }
        }
    }

    @Test("a script stops at the failing listing and later commands never run")
    func scriptStopsAtTheFailure() async throws {
        try await withFaultSandbox { server, home in
            server.faults.add(FaultRule(.serverError(status: 503), every: 1, method: "GET", pathContains: "/jobs/"))
            let result = try await SpawnedDbtsh.run(script: "jobs\nprojects\n", on: server, home: home,
                                                    environment: ["DBTSH_RETRY_BUDGET": Self.shortBudget])
            expectOneLineFailure(result, exitCode: 5, mentioning: "503")
            #expect(!server.requestLog.entries().contains { $0.path.contains("/projects/") })
        }
    }

    @Test("a refused connection (nothing listening): one error line, exit 5")
    func nothingListening() async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        let result = try await SpawnedDbtsh.run(["--host", "http://127.0.0.1:1"], script: "accounts\n", home: home)
        expectOneLineFailure(result, exitCode: 5, mentioning: "refused")
    }

    /// Adds `rules` once the sandbox has seen a request matching `condition` (the command is under way).
    private static func inject(_ rules: [FaultRule], into server: SandboxServer, when condition: @escaping @Sendable (LoggedRequest) -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !server.requestLog.entries().contains(where: condition) {
            guard ContinuousClock.now < deadline else {
                Issue.record("the expected request never came")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        for rule in rules { server.faults.add(rule) }
    }

    @Test("run --wait outlasts an outage longer than one request's retry budget")
    func waitOutlastsAnOutage() async throws {
        try await withFaultSandbox(stepSeconds: 0.5) { server, home in
            async let spawned = SpawnedDbtsh.run(script: "use job 43168\nrun --wait --interval 100ms\n", on: server, home: home)
            // Once the run is triggered, its polls fail nine times in a row (two requests' budgets).
            try await Self.inject([FaultRule(.serverError(status: 503), every: 1, times: 9, method: "GET", pathContains: "/runs/")],
                                  into: server) { $0.method == "POST" }
            let result = try await spawned
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("success"), "\(result)")
            expectNoStackTrace(result)
            let polls = server.requestLog.entries().filter { $0.method == "GET" && $0.path.contains("/runs/") }
            #expect(polls.count > 9, "polled \(polls.count) times")
        }
    }

    @Test("run --wait with dbt Cloud down past --timeout: exit 6, one error line at the end, the POST sent once")
    func waitThroughAnOutageTimesOut() async throws {
        try await withFaultSandbox(stepSeconds: 2) { server, home in
            async let spawned = SpawnedDbtsh.run(script: "use job 43168\nrun --wait --timeout 2s --interval 100ms\n", on: server, home: home)
            try await Self.inject([FaultRule(.serverError(status: 503), every: 1, method: "GET", pathContains: "/runs/")],
                                  into: server) { $0.method == "POST" }
            let result = try await spawned
            #expect(result.status == 6, "\(result)")
            #expect(result.stderrLines.last?.hasPrefix("error: ") == true, "\(result)")
            // Time is the behaviour: --timeout 2s must end the wait; 15 s leaves a loaded machine room.
            #expect(result.seconds < 15, "\(result)")
            expectNoStackTrace(result)
            #expect(server.requestLog.entries().filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test("wait on a run that cannot be read (outage from the start): one error line, exit 5")
    func waitOnUnreadableRun() async throws {
        try await withFaultSandbox { server, home in
            server.faults.add(FaultRule(.serverError(status: 503), every: 1, method: "GET", pathContains: "/runs/"))
            // The look-up's retries (a 15 s budget) end before --timeout: the 503 is the answer.
            let result = try await SpawnedDbtsh.run(
                script: "wait 913 --timeout 30s --interval 100ms\n", on: server, home: home, environment: ["DBTSH_RETRY_BUDGET": Self.shortBudget])
            expectOneLineFailure(result, exitCode: 5, mentioning: "503")
        }
    }

    // MARK: POSTs are never repeated

    @Test("a failure during the trigger POST sends it once: exit 5, one run at most",
          arguments: [TransientFault.connectionReset, .serviceUnavailable, .internalError, .badGatewayHTML, .truncatedJSON])
    func triggerIsNeverRepeated(_ fault: TransientFault) async throws {
        try await withFaultSandbox { server, home in
            server.faults.add(FaultRule(fault.kind, every: 1, method: "POST", pathContains: "/run/"))
            let result = try await SpawnedDbtsh.run(script: "use job 43167\nrun --wait --interval 100ms\n", on: server, home: home)
            let posts = server.requestLog.entries().filter { $0.method == "POST" }
            #expect(posts.count == 1, "the trigger POST was sent \(posts.count) times")
            #expect(posts.allSatisfy { $0.path.hasSuffix("/jobs/43167/run/") }, "\(posts.map(\.path))")
            expectOneLineFailure(result, exitCode: 5, mentioning: "POST")
            #expect(!result.stderr.contains("triggered run"), "\(result)")
        }
    }

    @Test("a cancel POST that gets a reset is not repeated")
    func cancelIsNeverRepeated() async throws {
        try await withFaultSandbox(stepSeconds: 5) { server, home in
            server.faults.add(FaultRule(.connectionReset, every: 1, method: "POST", pathContains: "/cancel/"))
            let result = try await SpawnedDbtsh.run(script: "use job 43168\nrun\ncancel\n", on: server, home: home)
            let cancels = server.requestLog.entries().filter { $0.method == "POST" && $0.path.contains("/cancel/") }
            #expect(cancels.count == 1, "the cancel POST was sent \(cancels.count) times")
            #expect(result.stderrLines.last?.hasPrefix("error: ") == true, "\(result)")
            expectExitCode(result, 5)
            expectNoStackTrace(result)
        }
    }

    // MARK: Downloads

    @Test("a cut artifact download leaves no file and no temporary file",
          arguments: [TransientFault.truncatedJSON, .connectionReset, .serviceUnavailable])
    func cutDownloadLeavesNothing(_ fault: TransientFault) async throws {
        try await withFaultSandbox { server, home in
            let target = home.work.appendingPathComponent("target")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            server.faults.add(FaultRule(fault.kind, every: 1, method: "GET", pathContains: "artifacts/run_results.json"))
            let result = try await SpawnedDbtsh.run(
                script: "use run 902\nartifacts get run_results.json -o \(target.path)\n", on: server, home: home,
                environment: ["DBTSH_RETRY_BUDGET": Self.shortBudget])
            expectOneLineFailure(result, exitCode: 5, mentioning: "run_results.json")
            #expect(home.allFiles(under: target).isEmpty, "left behind in the target: \(home.allFiles(under: target))")
            let cached = home.allFiles(under: home.cache).filter { $0.contains("run_results") }
            #expect(cached.isEmpty, "a cut artifact reached the cache: \(cached)")
            #expect(!home.allFiles(under: home.work).contains { $0.contains("run_results") || $0.contains(".partial") || $0.hasSuffix(".part") })
        }
    }

    @Test("a download cut once is fetched again and written whole")
    func cutOnceThenWhole() async throws {
        try await withFaultSandbox { server, home in
            let clean = try await SpawnedDbtsh.run(script: "use run 902\nartifacts get run_results.json -o -\n", on: server, home: home)
            try #require(clean.status == 0, "baseline: \(clean)")
            let cleanHome = try ScratchHome.make()
            defer { cleanHome.remove() }
            server.faults.add(FaultRule(.truncatedJSON, every: 1, times: 1, method: "GET", pathContains: "artifacts/run_results.json"))
            server.faults.add(FaultRule(.connectionReset, every: 1, times: 1, method: "GET", pathContains: "artifacts/run_results.json"))
            let target = cleanHome.work.appendingPathComponent("out")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            let result = try await SpawnedDbtsh.run(
                script: "use run 902\nartifacts get run_results.json -o \(target.path)\n", on: server, home: cleanHome)
            #expect(result.status == 0, "\(result)")
            let written = try String(contentsOf: target.appendingPathComponent("run_results.json"), encoding: .utf8)
            #expect(written == clean.stdout, "the downloaded file differs from the clean artifact")
            #expect(cleanHome.allFiles(under: target) == ["run_results.json"], "\(cleanHome.allFiles(under: target))")
        }
    }
}
