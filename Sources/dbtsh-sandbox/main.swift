import ArgumentParser
import Foundation
import Logging
import Sandbox
import ServiceLifecycle

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
        let service = SandboxService(
            configuration: SandboxConfiguration(host: host, port: port, tls: tls, stepSeconds: stepSeconds, extraRuns: extraRuns,
                                                 secondAccount: secondAccount),
            certificateOutput: certificateOutput)
        let logger = Logger(label: "dbtsh-sandbox", factory: { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

/// The sandbox as a service: serves until the group's graceful shutdown (SIGINT or SIGTERM).
private struct SandboxService: Service {
    let configuration: SandboxConfiguration
    let certificateOutput: String?

    func run() async throws {
        let server = try await SandboxServer.start(configuration)
        if let certificateOutput, let pem = server.certificatePEM {
            try pem.write(toFile: certificateOutput, atomically: true, encoding: .utf8)
        }
        var banner = "url: \(server.baseURL.absoluteString)\ntoken: \(DemoWorld.token)\naccount: \(DemoWorld.accountID)\n"
        if let certificateOutput { banner += "certificate: \(certificateOutput)\n" }
        FileHandle.standardOutput.write(Data(banner.utf8))
        try? await gracefulShutdown()
        await server.stop()
    }
}

let command = SandboxCommand.parseOrExit()
do {
    try await command.serve()
} catch {
    SandboxCommand.exit(withError: error)
}
