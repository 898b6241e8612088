import DbtCloud
import Foundation
import Sandbox
import Shell

/// Measurements inside the bench process: completion from the session's cache, paging.
enum InProcessBenchmarks {
    static func client(for sandbox: SandboxServer) throws -> DbtCloudClient {
        try DbtCloudClient(host: try DbtHost.parse(sandbox.baseURL.absoluteString),
                           token: APIToken(ProcessBenchmarks.token))
    }

    // MARK: 3. completion

    static func completion(sandbox: SandboxServer, iterations: Int, into table: inout Table) async {
        let client: DbtCloudClient
        do {
            client = try Self.client(for: sandbox)
        } catch {
            table.add(.failed("completion", "\(error)"))
            return
        }
        var context = ShellContext()
        context.account = .init(id: 43, name: "Acme Analytics")
        let session = Session(console: Console(CapturingConsole()), interactive: true, context: context,
                              services: Services(client: client))
        let completer = Completer(session: session)

        // Warm the cache: the first TAB fetches the job listing (bounded retries while it lands).
        var warmed = false
        for _ in 0..<25 {
            if !completer.complete("use job ").items.isEmpty {
                warmed = true
                break
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        guard warmed else {
            table.add(.failed("completion `use job `", "the job listing never reached the cache"))
            await client.shutdown()
            return
        }

        for line in ["use job ", "use job Nigh", "runs --status "] {
            var times: [Double] = []
            times.reserveCapacity(iterations)
            var candidates = 0
            for _ in 0..<iterations {
                let start = Spawner.now()
                let result = completer.complete(line)
                times.append(Spawner.now() - start)
                candidates = result.items.count
            }
            table.add(.timing("completion `\(line)` (warm cache)", Samples(times), aim: "p99 < 5 ms",
                              note: "\(candidates) candidates; in-process Shell.Completer", percentiles: true))
        }
        await client.shutdown()
    }

    /// The embedded OpenAPI index: loading it (what the first `api … <TAB>` or `help api` of a
    /// session pays; start-up does not) and completing paths from it.
    static func apiPaths(iterations: Int, into table: inout Table) {
        var loads: [Double] = []
        var operations = 0
        for _ in 0..<max(3, iterations / 50) {
            let start = Spawner.now()
            guard let index = try? APIIndex.load() else {
                table.add(.failed("OpenAPI index load", "the bundled index could not be read"))
                return
            }
            loads.append(Spawner.now() - start)
            operations = index.operations.count
        }
        table.add(.timing("OpenAPI index load (first api TAB)", Samples(loads), aim: "< 50 ms",
                          note: "\(operations) operations from Resources/openapi-index.json; lazy, once a session"))
        let index = APIIndex.shared
        for prefix in ["/api/v3/accounts/{account}/", "/api/v2/accounts/43/jobs/43167/"] {
            var times: [Double] = []
            var candidates = 0
            for _ in 0..<iterations {
                let start = Spawner.now()
                candidates = index.completions(for: prefix, method: "GET").count
                times.append(Spawner.now() - start)
            }
            table.add(.timing("api path completion `\(prefix)`", Samples(times), aim: "p99 < 5 ms",
                              note: "\(candidates) candidates; APIIndex.completions", percentiles: true))
        }
    }

    // MARK: 4. paging

    /// Lists every run page by page and with pages in flight. On loopback the sandbox is the
    /// bottleneck (it answers on the same 2 cores), so the pair is measured twice: as is, and
    /// with a per-page latency injected by the sandbox, closer to a real dbt Cloud round trip.
    static func paging(sandbox: SandboxServer, runs: Int, latency: Double, into table: inout Table) async {
        let client: DbtCloudClient
        do {
            client = try Self.client(for: sandbox)
        } catch {
            table.add(.failed("listing runs", "\(error)"))
            return
        }
        // One page alone: what each of the ~27 requests costs, request to decoded models.
        var pageTimes: [Double] = []
        do {
            for index in 0...20 {
                let start = Spawner.now()
                _ = try await client.runs(accountID: 43, filter: RunFilter(), limit: 100)
                if index > 0 { pageTimes.append(Spawner.now() - start) }
            }
            table.add(.timing("one page of 100 runs (loopback)", Samples(pageTimes), note: "client.runs(limit: 100), decoded"))
        } catch {
            table.add(.failed("one page of 100 runs", "\(error)"))
        }
        await pagingPair(client: client, runs: runs, label: "loopback", into: &table)
        sandbox.faults.add(FaultRule(.slow(seconds: latency), method: "GET", pathContains: "/runs/"))
        await pagingPair(client: client, runs: max(1, runs / 2), label: "+\(Int(latency * 1000)) ms a page", into: &table)
        sandbox.faults.clear()
        await client.shutdown()
    }

    private static func pagingPair(client: DbtCloudClient, runs: Int, label: String, into table: inout Table) async {
        let listing = client.allRuns(accountID: 43, filter: RunFilter())
        var sequential: [Double] = []
        var concurrent: [Double] = []
        var counts: Set<Int> = []
        do {
            for index in 0...runs { // the first pair warms connections and the server
                var start = Spawner.now()
                counts.insert(try await listing.sequential().collect().count)
                let sequentialTime = Spawner.now() - start
                start = Spawner.now()
                counts.insert(try await listing.collect().count)
                let concurrentTime = Spawner.now() - start
                if index > 0 {
                    sequential.append(sequentialTime)
                    concurrent.append(concurrentTime)
                }
            }
        } catch {
            table.add(.failed("listing runs (\(label))", "\(error)"))
            return
        }
        let count = counts.sorted().map(String.init).joined(separator: "/")
        let s = Samples(sequential)
        let c = Samples(concurrent)
        table.add(.timing("list \(count) runs, sequential (\(label))", s, note: "allRuns(…).sequential(), 100 a page"))
        table.add(.timing("list \(count) runs, concurrent (\(label))", c,
                          note: "allRuns(…), up to \(client.options.pageConcurrency) pages in flight"))
        table.add(.text("ratio sequential / concurrent (\(label))", Format.ratio(s.median / c.median), note: "medians"))
    }
}
