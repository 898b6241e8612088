import Foundation
import Sandbox
import TestSupport
import Testing

/// A hostile server in front of a sandbox, and a scratch home, for one spawned dbtsh.
func withHostileSandbox<T>(
    _ handler: @escaping HostileHandler, _ body: (HostileServer, ScratchHome) async throws -> T
) async throws -> T {
    let sandbox = try await SandboxServer.start(SandboxConfiguration(stepSeconds: 0.15))
    let server: HostileServer
    let home: ScratchHome
    do {
        server = try await HostileServer.start(upstream: sandbox.baseURL, handler: handler)
        home = try ScratchHome.make()
    } catch {
        await sandbox.stop()
        throw error
    }
    func finish() async {
        await server.stop()
        await sandbox.stop()
        home.remove()
    }
    do {
        let result = try await body(server, home)
        await finish()
        return result
    } catch {
        await finish()
        throw error
    }
}

extension SpawnedDbtsh {
    /// `dbtsh --host <hostile server>` reading `script` on stdin.
    static func run(
        script: String, on server: HostileServer, home: ScratchHome, environment: [String: String] = [:], timeout: Double = 40
    ) async throws -> SpawnedResult {
        try await run(["--host", server.baseURL.absoluteString], script: script, home: home, environment: environment, timeout: timeout)
    }
}

/// The built dbtsh against `HostileServer`: bytes out exactly as they came in, memory that does
/// not grow with an artifact's size, the retry budget and cache settings from the environment.
@Suite("The built dbtsh against hostile servers")
struct HostileBinaryTests {
    @Test("artifacts get -o - writes 4,096 random bytes byte for byte")
    func binaryArtifactToStdout() async throws {
        var random = SeededRandom(seed: 7)
        let bytes = random.bytes(4_096)
        try await withHostileSandbox(Hostile.route({ $0.path.hasSuffix("/artifacts/blob.bin") }, Hostile.serve(bytes))) { server, home in
            let result = try await SpawnedDbtsh.run(script: "use run 902\nartifacts get blob.bin -o -\n", on: server, home: home)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutBytes.count == 4_096)
            #expect(Array(result.stdoutBytes) == bytes, "the bytes on stdout differ from the artifact")
        }
    }

    @Test("a 256 MiB artifact streams to disk: peak memory stays far below its size")
    func largeArtifactHasBoundedMemory() async throws {
        let size: Int64 = 256 << 20
        try await withHostileSandbox(Hostile.route({ $0.path.hasSuffix("/artifacts/big.bin") }, Hostile.artifact(size: size))) { server, home in
            let target = home.work.appendingPathComponent("big.bin")
            let result = try await SpawnedDbtsh.run(
                ["--host", server.baseURL.absoluteString], script: "use run 902\nartifacts get big.bin -o \(target.path)\n",
                home: home, timeout: 300)
            #expect(result.status == 0, "\(result)")
            let attributes = try FileManager.default.attributesOfItem(atPath: target.path)
            #expect((attributes[.size] as? NSNumber)?.int64Value == size)
            // The file went through the cache (1 GiB cap) and was copied: two files of 256 MiB, and
            // the process stayed small. A buffered download would need over 256 MiB.
            #expect(result.peakRSSKiB > 0)
            #expect(result.peakRSSKiB < 128 * 1024, "peak RSS \(result.peakRSSKiB / 1024) MiB for a 256 MiB artifact")
            let handle = try FileHandle(forReadingFrom: target)
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(size) - 4_096)
            let tail = try handle.read(upToCount: 4_096) ?? Data()
            #expect(Array(tail) == (0..<Int64(4_096)).map { Hostile.byte(at: size - 4_096 + $0) })
        }
    }

    @Test("DBTSH_RETRY_BUDGET bounds a silent server: one error line, exit 5")
    func retryBudgetFromTheEnvironment() async throws {
        try await withHostileSandbox(Hostile.silent) { server, home in
            let result = try await SpawnedDbtsh.run(
                script: "jobs\n", on: server, home: home, environment: ["DBTSH_RETRY_BUDGET": "2s"])
            expectOneLineFailure(result, exitCode: 5, mentioning: "no answer from 127.0.0.1:")
            #expect(result.stderr.contains("gave up after"), "\(result)")
        }
    }

    @Test("settings that are not sizes or durations: one line, exit 2",
          arguments: [("DBTSH_CACHE_SIZE", "lots"), ("DBTSH_CACHE_SIZE", "-1"), ("DBTSH_RETRY_BUDGET", "soon"), ("DBTSH_RETRY_BUDGET", "0s")])
    func badSettings(name: String, value: String) async throws {
        try await withHostileSandbox(Hostile.forward) { server, home in
            let result = try await SpawnedDbtsh.run(script: "jobs\n", on: server, home: home, environment: [name: value])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines.count == 1 && result.stderr.contains(name), "\(result)")
            #expect(server.requests.isEmpty)
        }
    }

    @Test("DBTSH_CACHE_SIZE=0 turns the artifact cache off")
    func cacheOff() async throws {
        try await withHostileSandbox(Hostile.forward) { server, home in
            let result = try await SpawnedDbtsh.run(
                script: "use run 902\nartifacts get run_results.json -o -\n", on: server, home: home, environment: ["DBTSH_CACHE_SIZE": "0"])
            #expect(result.status == 0, "\(result)")
            #expect(home.allFiles(under: home.cache).isEmpty, "\(home.allFiles(under: home.cache))")
        }
    }

    @Test("plain http to a *.localhost name that does not resolve to loopback is refused")
    func localhostNameMustResolve() async throws {
        let home = try ScratchHome.make()
        defer { home.remove() }
        let result = try await SpawnedDbtsh.run(["--host", "http://nowhere-\(UUID().uuidString.prefix(6)).localhost:9"], script: "jobs\n", home: home)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("does not resolve to loopback addresses only"), "\(result)")
    }
}
