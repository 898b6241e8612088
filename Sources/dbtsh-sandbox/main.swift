import ArgumentParser
import Foundation
import Sandbox

/// Runs the local dbt Cloud until SIGINT or SIGTERM.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbtsh-sandbox",
        abstract: "A faithful local dbt Cloud (Admin API v2/v3 and Discovery) with a seeded demo world.")

    @Option(help: "Port to listen on; 0 picks a free port.")
    var port: Int = 0

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Flag(help: "Serve HTTPS with a freshly generated self-signed certificate.")
    var tls = false

    @Option(name: .customLong("cert-out"), help: "Write the certificate PEM to this file (with --tls).")
    var certificateOutput: String?

    @Option(name: .customLong("step-seconds"), help: "Seconds each simulated run phase and step takes.")
    var stepSeconds: Double = 1.5

    @Option(name: .customLong("extra-runs"), help: "Additional seeded finished runs.")
    var extraRuns: Int = 0

    @Flag(name: .customLong("second-account"), help: "Also serve an empty account 44, 'Acme Sandbox'.")
    var secondAccount = false

    func validate() throws {
        if certificateOutput != nil && !tls { throw ValidationError("--cert-out needs --tls.") }
        if stepSeconds <= 0 { throw ValidationError("--step-seconds must be positive.") }
        if extraRuns < 0 { throw ValidationError("--extra-runs must not be negative.") }
    }

    func serve() async throws {
        let server = try await SandboxServer.start(
            SandboxConfiguration(host: host, port: port, tls: tls, stepSeconds: stepSeconds, extraRuns: extraRuns,
                                secondAccount: secondAccount))
        if let certificateOutput, let pem = server.certificatePEM {
            try pem.write(toFile: certificateOutput, atomically: true, encoding: .utf8)
        }
        var banner = "url: \(server.baseURL.absoluteString)\ntoken: \(DemoWorld.token)\naccount: \(DemoWorld.accountID)\n"
        if let certificateOutput { banner += "certificate: \(certificateOutput)\n" }
        FileHandle.standardOutput.write(Data(banner.utf8))
        await Self.waitForTerminationSignal()
        await server.stop()
    }

    private static func waitForTerminationSignal() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = ResumeOnce(continuation)
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { once.resume() }
                source.resume()
                SignalSources.keep(source)
            }
        }
    }
}

/// Keeps the signal sources alive for the life of the process.
private enum SignalSources {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
}

private final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    func resume() {
        lock.lock()
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume()
    }
}

let command = SandboxCommand.parseOrExit()
do {
    try await command.serve()
} catch {
    SandboxCommand.exit(withError: error)
}
