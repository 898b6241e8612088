import DbtCloud
import Foundation
import Sandbox
import Shell

/// Debugging a red job (issue 10): what `explain` and `bisect` cost in requests and time,
/// through the interpreter, against the sandbox's Daily build (job 43201, 30 runs, the
/// newest, 959, failing five ways).
enum StoryBenchmarks {
    struct Measured {
        var seconds: Double
        /// Requests other than artifact downloads.
        var apiRequests: Int
        var artifactRequests: Int
        var runResultsRequests: Int
        var status: Int32
    }

    static func run(sandbox: SandboxServer, runs: Int, into table: inout Table) async {
        let client: DbtCloudClient
        do {
            client = try InProcessBenchmarks.client(for: sandbox)
        } catch {
            table.add(.failed("explain", "\(error)"))
            return
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dbtsh-bench-story-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: scratch) }

        var cold: [Measured] = []
        var warm: [Measured] = []
        var bisects: [Measured] = []
        var timelines: [Measured] = []
        for index in 0...runs { // the first round warms the server and the connections
            let interpreter = Self.interpreter(client: client, cache: scratch.appendingPathComponent("\(index)"))
            let first = await measure("explain 959", interpreter, sandbox)
            let second = await measure("explain 959", interpreter, sandbox)
            let fresh = Self.interpreter(client: client, cache: scratch.appendingPathComponent("\(index)-bisect"))
            let bisect = await measure("bisect int_customer_order_history --job 43201", fresh, sandbox)
            let timeline = await measure("timeline int_customer_order_history --job 43201", Self.interpreter(
                client: client, cache: scratch.appendingPathComponent("\(index)-timeline")), sandbox)
            guard index > 0 else { continue }
            cold.append(first)
            warm.append(second)
            bisects.append(bisect)
            timelines.append(timeline)
        }
        await client.shutdown()
        guard let c = cold.first, let w = warm.first, let b = bisects.first, let t = timelines.first,
              (cold + warm + bisects + timelines).allSatisfy({ $0.status == 0 }) else {
            table.add(.failed("explain", "a command failed"))
            return
        }
        table.add(.timing("`explain 959`, artifacts not cached", Samples(cold.map(\.seconds)), aim: "≤ 3 requests + artifacts",
                          note: "\(c.apiRequests) API requests + \(c.artifactRequests) artifacts (run_results.json, manifest.json)"))
        table.add(.timing("`explain 959`, artifacts cached on disk", Samples(warm.map(\.seconds)),
                          note: "\(w.apiRequests) API requests + \(w.artifactRequests) artifacts"))
        table.add(.timing("`bisect int_customer_order_history` over 30 runs", Samples(bisects.map(\.seconds)), aim: "≤ 6 run_results",
                          note: "\(b.runResultsRequests) run_results read, \(b.apiRequests) API requests"))
        table.add(.timing("`timeline int_customer_order_history` (20 runs, not cached)", Samples(timelines.map(\.seconds)),
                          note: "\(t.runResultsRequests) run_results, \(t.apiRequests) API requests, 4 at a time"))
    }

    private static func interpreter(client: DbtCloudClient, cache: URL) -> Interpreter {
        var context = ShellContext()
        context.account = .init(id: DemoWorld.accountID, name: "Acme Analytics")
        let session = Session(console: Console(CapturingConsole()), interactive: false, context: context,
                              services: Services(client: client, cacheDirectory: cache))
        return Interpreter(session: session)
    }

    private static func measure(_ line: String, _ interpreter: Interpreter, _ sandbox: SandboxServer) async -> Measured {
        let before = sandbox.requestLog.entries().count
        let start = Spawner.now()
        let status = await interpreter.execute(line)
        let seconds = Spawner.now() - start
        let requests = sandbox.requestLog.entries().dropFirst(before)
        let artifacts = requests.filter { $0.path.contains("/artifacts/") }
        return Measured(
            seconds: seconds, apiRequests: requests.count - artifacts.count, artifactRequests: artifacts.count,
            runResultsRequests: artifacts.filter { $0.path.hasSuffix("/run_results.json") }.count, status: status)
    }
}
