import Foundation
import Sandbox
import TestSupport

/// dbtsh against TestSupport's hostile server with its default budgets: peak memory of a 1 GiB
/// artifact download, and how long it takes to give up on a silent and on a trickling server.
struct HostileBenchmarks {
    let options: BenchOptions
    let workDirectory: String

    static let artifactBytes: Int64 = 1 << 30

    func run(into table: inout Table) async {
        do {
            let sandbox = try await SandboxServer.start(SandboxConfiguration())
            await artifact(upstream: sandbox, into: &table)
            await giveUp("silent server (accepts, never answers): time to exit 5", Hostile.silent, into: &table)
            await giveUp("trickling server (headers, then 1 byte/s): time to exit 5", Hostile.trickle(length: 100_000), into: &table)
            await sandbox.stop()
        } catch {
            table.add(.failed("hostile servers", "\(error)"))
        }
    }

    private var environment: [String] {
        Spawner.environment(home: workDirectory + "/home", extra: [
            "DBT_CLOUD_API_TOKEN": ProcessBenchmarks.token, "DBT_CLOUD_ACCOUNT_ID": ProcessBenchmarks.accountID,
        ])
    }

    private func artifact(upstream: SandboxServer, into table: inout Table) async {
        let name = "artifacts get of a 1 GiB artifact (streamed to disk, --no-cache)"
        do {
            let server = try await HostileServer.start(
                upstream: upstream.baseURL,
                handler: Hostile.route({ $0.path.hasSuffix("/artifacts/big.bin") }, Hostile.artifact(size: Self.artifactBytes)))
            let script = workDirectory + "/hostile-artifact.dbtsh"
            let target = workDirectory + "/big.bin"
            try "use run 902\nartifacts get big.bin --no-cache -o \(target)\n".write(toFile: script, atomically: true, encoding: .utf8)
            let outcome = try Spawner.run(options.dbtsh, ["--host", server.baseURL.absoluteString, script], environment: environment,
                                          timeout: 600, measureRSS: true)
            let size = ((try? FileManager.default.attributesOfItem(atPath: target))?[.size] as? NSNumber)?.int64Value ?? 0
            try? FileManager.default.removeItem(atPath: target)
            await server.stop()
            guard outcome.exitStatus == 0, size == Self.artifactBytes else {
                table.add(.failed(name, "exit \(outcome.exitStatus), \(size) bytes written"))
                return
            }
            table.add(.timing(name, Samples([outcome.wallSeconds]), rss: outcome.peakRSSBytes, aim: "< 64 MiB RSS",
                                      note: "\(Self.artifactBytes >> 20) MiB written"))
        } catch {
            table.add(.failed(name, "\(error)"))
        }
    }

    private func giveUp(_ name: String, _ handler: @escaping HostileHandler, into table: inout Table) async {
        do {
            let server = try await HostileServer.start(handler: handler)
            let outcome = try Spawner.run(options.dbtsh, ["--host", server.baseURL.absoluteString, "-c", "jobs"],
                                          environment: environment, timeout: 300)
            let requests = server.requests.count
            await server.stop()
            table.add(.timing(name, Samples([outcome.wallSeconds]), aim: "≈ 30 s budget",
                                      note: "exit \(outcome.exitStatus), \(requests) attempt\(requests == 1 ? "" : "s")"))
        } catch {
            table.add(.failed(name, "\(error)"))
        }
    }
}
