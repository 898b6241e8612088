import DbtCloud
import Foundation
import Sandbox
import Shell
import Testing

/// What a script printed and how it ended.
struct ShellOutput: Sendable, CustomStringConvertible {
    var stdout: String
    var stderr: String
    var status: Int32

    var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }

    /// stdout parsed as JSON (nil when it is not JSON).
    var json: JSONValue? { try? JSONValue(parsing: stdout) }

    var description: String { "status \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// A sandbox and a client pointed at it, shared by the tests of a suite (see `SharedSandbox`).
final class SandboxFixture: Sendable {
    let server: SandboxServer
    let client: DbtCloudClient
    let cacheRoot: URL
    let token: String

    static let fastRetry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20),
                                       maxRetryAfter: .seconds(1))

    private init(server: SandboxServer, client: DbtCloudClient, cacheRoot: URL, token: String) {
        self.server = server
        self.client = client
        self.cacheRoot = cacheRoot
        self.token = token
    }

    static func start(stepSeconds: Double = 0.05, token: String = DemoWorld.token, extraRuns: Int = 0,
                      secondAccount: Bool = false) async throws -> SandboxFixture {
        let server = try await SandboxServer.start(SandboxConfiguration(stepSeconds: stepSeconds, extraRuns: extraRuns,
                                                                        secondAccount: secondAccount))
        do {
            let client = try makeClient(server: server, token: token, userAgent: "dbtsh-tests")
            let cacheRoot = FileManager.default.temporaryDirectory
                .appendingPathComponent("dbtsh-shelltests-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: cacheRoot, withIntermediateDirectories: true)
            return SandboxFixture(server: server, client: client, cacheRoot: cacheRoot, token: token)
        } catch {
            await server.stop()
            throw error
        }
    }

    /// A client of the sandbox whose requests carry `userAgent`, so they can be told from other tests'.
    static func makeClient(server: SandboxServer, token: String = DemoWorld.token, userAgent: String) throws -> DbtCloudClient {
        try DbtCloudClient(
            host: try DbtHost.parse(server.baseURL.absoluteString), token: APIToken(token),
            options: ClientOptions(connectTimeout: .seconds(20), requestTimeout: .seconds(30),
                                   // No "waiting for…" notices in tests that compare stderr on a loaded machine.
                                   noticeDelay: .seconds(120), retry: fastRetry, userAgent: userAgent))
    }

    func stop() async {
        await client.shutdown()
        await server.stop()
        try? FileManager.default.removeItem(at: cacheRoot)
    }

    /// A fresh shell session (its own context, settings, caches, client and request log) on this
    /// sandbox; `context` replaces the default (account 43 with its name, or nothing when `account` is false).
    func shell(account: Bool = true, context given: ShellContext? = nil, interactive: Bool = false, settings: Settings = Settings(),
               console: CapturingConsole = CapturingConsole(), processes: any ProcessLauncher = NoProcessLauncher()) -> ShellHarness {
        var context = ShellContext()
        if account { context.account = .init(id: DemoWorld.accountID, name: "Acme Analytics") }
        if let given { context = given }
        let cache = cacheRoot.appendingPathComponent(UUID().uuidString.prefix(8).description)
        let userAgent = "dbtsh-test-\(UUID().uuidString)"
        // Building a client fails only on an empty token or a bad CA file, neither of which is given here.
        let client = (try? Self.makeClient(server: server, token: token, userAgent: userAgent)) ?? self.client
        return ShellHarness(services: Services(client: client, cacheDirectory: cache), context: context,
                            interactive: interactive, settings: settings, console: console, processes: processes,
                            requests: RequestView(log: server.requestLog, userAgent: userAgent))
    }

    /// The sandbox of the current suite (`@Suite(.sandbox())`), or a fresh one for `body` alone
    /// (always fresh with a `stepSeconds` or a second account).
    static func with<T>(stepSeconds: Double? = nil, secondAccount: Bool = false,
                        _ body: (SandboxFixture) async throws -> T) async throws -> T {
        if stepSeconds == nil, !secondAccount, let shared = SharedSandbox.current { return try await body(shared) }
        let fixture = try await start(stepSeconds: stepSeconds ?? 0.05, secondAccount: secondAccount)
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }
}

/// One session driven the way the `dbtsh` executable drives it for a script: each line goes
/// through `ShellDriver.accept` then `run`, stopping at `.exit`; end of input gives the status.
final class ShellHarness: Sendable {
    let console: CapturingConsole
    let session: Session
    let interpreter: Interpreter

    let requestView: RequestView?

    init(services: Services, context: ShellContext, interactive: Bool, settings: Settings,
         console: CapturingConsole = CapturingConsole(), processes: any ProcessLauncher = NoProcessLauncher(),
         requests: RequestView? = nil) {
        self.console = console
        self.requestView = requests
        session = Session(console: Console(console, processes: processes), interactive: interactive, settings: settings,
                          context: context, services: services)
        interpreter = Interpreter(session: session)
    }

    /// Runs `script` (lines separated by newlines) as a fresh script on this session: output is
    /// only what this script printed. Checks that the token never shows.
    @discardableResult
    func run(_ script: String, source: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async -> ShellOutput {
        console.reset()
        let driver = ShellDriver(interpreter: interpreter, source: source)
        var lines = script.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var status: Int32?
        loop: for line in lines {
            switch driver.accept(line) {
            case .readMore: continue
            case .stop(let code):
                status = code
                break loop
            case .proceed: break
            }
            if case .stop(let code) = await driver.run(line) {
                status = code
                break loop
            }
        }
        let final = status ?? driver.endOfInput()  // before reading stderr: it may print there
        let output = ShellOutput(stdout: console.stdout, stderr: console.stderr, status: final)
        #expect(!output.stdout.contains(DemoWorld.token), "token on stdout", sourceLocation: sourceLocation)
        #expect(!output.stderr.contains(DemoWorld.token), "token on stderr", sourceLocation: sourceLocation)
        return output
    }

    var context: ShellContext { session.context }

    /// The requests this session's client sent (its own log: other tests share the sandbox).
    func requests(method: String? = nil, pathContains path: String = "") -> [LoggedRequest] {
        (requestView?.entries() ?? []).filter { (method == nil || $0.method == method) && (path.isEmpty || $0.path.contains(path)) }
    }

    /// Completes on a thread of its own, as the line editor does: a listing miss waits up to its
    /// short deadline for the network, which must not hold one of the cooperative pool's few
    /// threads (the sandbox and the other tests in this process need them).
    func complete(_ text: String) async -> CompletionResult {
        let session = self.session
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Completer(session: session).complete(text)) }
        }
    }
}

/// One session's requests in a shared sandbox's log: those sent with its client's user agent.
struct RequestView: Sendable {
    let log: RequestLog
    let userAgent: String

    func entries() -> [LoggedRequest] { log.entries(userAgent: userAgent) }
}

/// `@Suite(.sandbox())`: one sandbox for every test of the suite, stopped when the suite ends.
struct SharedSandbox: SuiteTrait, TestScoping {
    @TaskLocal static var current: SandboxFixture?

    var stepSeconds: Double

    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let fixture = try await SandboxFixture.start(stepSeconds: stepSeconds)
        do {
            try await Self.$current.withValue(fixture) { try await function() }
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }
}

extension Trait where Self == SharedSandbox {
    static func sandbox(stepSeconds: Double = 0.05) -> Self { SharedSandbox(stepSeconds: stepSeconds) }
}

/// A shell on the suite's sandbox (account 43 in context unless `account: false`).
func withShell<T>(account: Bool = true, stepSeconds: Double? = nil,
                  _ body: (ShellHarness, SandboxFixture) async throws -> T) async throws -> T {
    try await SandboxFixture.with(stepSeconds: stepSeconds) { fixture in
        try await body(fixture.shell(account: account), fixture)
    }
}

extension JSONValue {
    /// Without the fields that move with the clock (`…_humanized` like "2 hours ago", `next_run…`),
    /// at any depth: two reads of the same object a moment apart compare equal.
    var withoutClockFields: JSONValue {
        switch self {
        case .object(let object):
            var kept: [String: JSONValue] = [:]
            for (key, value) in object where !key.hasSuffix("_humanized") && !key.hasPrefix("next_run") {
                kept[key] = value.withoutClockFields
            }
            return .object(kept)
        case .array(let items):
            return .array(items.map(\.withoutClockFields))
        default:
            return self
        }
    }
}

extension String {
    /// The header of a table printed on stdout, without the padding of a right-aligned first column.
    var tableHeader: String? {
        split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The rows of a table printed on stdout, without its header.
    var tableRows: [String] {
        Array(split(separator: "\n").map(String.init).dropFirst())
    }

    /// The first column of each row of a table (ids).
    var firstColumn: [String] {
        tableRows.compactMap { $0.split(separator: " ").first.map(String.init) }
    }
}
