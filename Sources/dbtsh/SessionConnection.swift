import Config
import DbtCloud
import Foundation
import LineEditor
import Sandbox
import Shell

/// The API end of the session: the resolved dbt Cloud account, or the in-process sandbox
/// under `--demo`.
struct SessionConnection {
    var services: Services
    var initialContext: ShellContext
    private var sandbox: SandboxServer?

    static func open(options: DbtshCommand, environment: [String: String], console: Console) -> Result<SessionConnection, CommandFailure> {
        let trace: (@Sendable (String) -> Void)? = options.verbose ? { @Sendable line in console.errorLine(line) } : nil
        let cache = CacheLocation.directory(environment: environment)
        let cacheMaxBytes: Int64
        switch Services.cacheMaxBytes(fromSetting: environment["DBTSH_CACHE_SIZE"]) {
        case .success(let bytes): cacheMaxBytes = bytes
        case .failure(let failure): return .failure(failure)
        }
        let clientOptions: ClientOptions
        switch RetryBudget.options(caFile: options.connection.caFile, trace: trace, setting: environment["DBTSH_RETRY_BUDGET"]) {
        case .success(let built): clientOptions = built
        case .failure(let failure): return .failure(failure)
        }
        if options.demo {
            let stepSeconds = environment["DBTSH_DEMO_STEP_SECONDS"].flatMap(Double.init).map { min(max($0, 0.01), 60) } ?? 1.5
            return openDemo(options: options, stepSeconds: stepSeconds, clientOptions: clientOptions, cache: cache,
                            cacheMaxBytes: cacheMaxBytes)
        }
        let flags = CredentialFlags(host: options.connection.host, accountID: options.connection.account,
                                    projectID: options.connection.project, profile: options.connection.profile)
        let resolver = CredentialResolver.forCurrentProcess(flags: flags)
        let resolved: ResolvedSettings
        do {
            resolved = try resolver.resolve()
        } catch {
            return .failure(ErrorReport.failure(for: error))
        }
        let host = resolved.host
        let connect: @Sendable (APIToken) throws -> DbtCloudClient = { [clientOptions] token in
            try DbtCloudClient(host: host, token: token, options: clientOptions)
        }
        let profileName = resolved.profileName ?? options.connection.profile ?? environment["DBTSH_PROFILE"] ?? "default"
        let profile = ProfileLocation(file: resolver.profilesFileURL, name: profileName)
        for warning in resolved.warnings { console.errorLine("warning: \(warning)") }
        var context = ShellContext()
        context.account = resolved.accountID.map { .init(id: $0) }
        context.project = resolved.projectID.map { .init(id: $0) }
        context.environment = resolved.environmentID.map { .init(id: $0) }
        context.job = resolved.jobID.map { .init(id: $0) }
        guard let token = resolved.token, !token.isEmpty else {
            return .success(SessionConnection(services: Services(cacheDirectory: cache, cacheMaxBytes: cacheMaxBytes,
                                                                 connect: connect, profile: profile),
                                              initialContext: context))
        }
        do {
            let client = try connect(token)
            return .success(SessionConnection(services: Services(client: client, token: token, cacheDirectory: cache,
                                                                 cacheMaxBytes: cacheMaxBytes, connect: connect, profile: profile),
                                              initialContext: context))
        } catch {
            return .failure(ErrorReport.failure(for: error))
        }
    }

    /// `DBTSH_DEMO_STEP_SECONDS` sets how long each simulated run phase takes (default 1.5 s).
    private static func openDemo(options: DbtshCommand, stepSeconds: Double, clientOptions: ClientOptions,
                                 cache: URL?, cacheMaxBytes: Int64) -> Result<SessionConnection, CommandFailure> {
        let started = runBlocking { () async -> Result<SandboxServer, CommandFailure> in
            do {
                return .success(try await SandboxServer.start(SandboxConfiguration(stepSeconds: stepSeconds)))
            } catch {
                return .failure(CommandFailure("cannot start the demo sandbox: \(error)", exitCode: Shell.ExitCode.network))
            }
        }
        guard case .finished(let outcome) = started else {
            return .failure(CommandFailure("interrupted", exitCode: Shell.ExitCode.interrupted))
        }
        switch outcome {
        case .failure(let failure):
            return .failure(failure)
        case .success(let sandbox):
            do {
                let host = try DbtHost.parse(sandbox.baseURL.absoluteString)
                var demoOptions = clientOptions
                demoOptions.caFile = nil
                let connect: @Sendable (APIToken) throws -> DbtCloudClient = { [demoOptions] token in
                    try DbtCloudClient(host: host, token: token, options: demoOptions)
                }
                let client = try connect(APIToken(DemoWorld.token))
                var context = ShellContext()
                context.account = .init(id: DemoWorld.accountID, name: "Acme Analytics")
                let demoCache = cache.map { $0.appendingPathComponent("demo-\(ProcessInfo.processInfo.processIdentifier)") }
                var connection = SessionConnection(
                    services: Services(client: client, token: APIToken(DemoWorld.token), cacheDirectory: demoCache,
                                       cacheMaxBytes: cacheMaxBytes, connect: connect),
                    initialContext: context)
                connection.sandbox = sandbox
                return .success(connection)
            } catch {
                return .failure(ErrorReport.failure(for: error))
            }
        }
    }

    /// Shuts down the session's clients (`login` may have made more than the first) and the sandbox.
    func close(clients: [DbtCloudClient]) {
        let sandbox = self.sandbox
        _ = runBlocking {
            for client in clients { await client.shutdown() }
            await sandbox?.stop()
        }
    }
}

/// How long one request may take, retries included: 30 s unless `DBTSH_RETRY_BUDGET` (a
/// duration such as `10s` or `2m`) says otherwise.
enum RetryBudget {
    static func options(caFile: String?, trace: (@Sendable (String) -> Void)?, setting: String?) -> Result<ClientOptions, CommandFailure> {
        let options = ClientOptions(caFile: caFile, trace: trace)
        guard let text = setting?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return .success(options) }
        guard let seconds = DurationText.seconds(text), seconds >= 1 else {
            return .failure(CommandFailure.usage("DBTSH_RETRY_BUDGET=\(text) is not a duration of at least 1s; try 10s or 2m"))
        }
        return .success(options.bounded(by: .milliseconds(Int64(seconds * 1000))))
    }
}

enum CacheLocation {
    /// `$XDG_CACHE_HOME/dbtsh`, default `~/.cache/dbtsh`.
    static func directory(environment: [String: String]) -> URL? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("dbtsh")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/dbtsh")
    }
}

/// Bridges the shell's completer to the line editor's reply.
struct ShellCompletion: Sendable {
    let completer: Shell.Completer

    init(interpreter: Interpreter) {
        completer = Shell.Completer(session: interpreter.session)
    }

    func reply(to textBeforeCursor: String) -> CompletionReply {
        let result = completer.complete(textBeforeCursor)
        return CompletionReply(
            wordBeingCompleted: result.word,
            candidates: result.items.map { CompletionCandidate(replacement: $0.replacement, display: $0.display, appendsSpace: $0.appendsSpace) },
            message: result.message
        )
    }
}
