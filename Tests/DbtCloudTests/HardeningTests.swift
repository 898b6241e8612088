import Foundation
import Testing
@testable import DbtCloud

/// The token's surroundings: which names plain http may go to, files readable by others, core dumps.
@Suite("Hardening around the token")
struct HardeningTests {
    @Test("plain http to a *.localhost name only when it resolves to loopback addresses only")
    func localhostNamesMustResolveToLoopback() throws {
        #expect(try DbtHost.parse("http://dev.localhost:8080", resolve: { _ in ["127.0.0.1", "::1"] }).kind == .loopback)
        for addresses in [["10.0.0.5"], ["127.0.0.1", "203.0.113.9"], [], ["::ffff:10.0.0.1"]] {
            #expect {
                _ = try DbtHost.parse("http://dev.localhost:8080", resolve: { _ in addresses })
            } throws: { error in
                let error = error as? DbtCloudError
                return error?.kind == .configuration && error?.message.contains("does not resolve to loopback addresses only") == true
            }
        }
        // https needs no such check, and an IP literal none at all.
        #expect(try DbtHost.parse("https://dev.localhost", resolve: { _ in ["10.0.0.5"] }).apiBaseURL.scheme == "https")
        #expect(try DbtHost.parse("http://127.0.0.9:1", resolve: { _ in [] }).kind == .loopback)
    }

    @Test("the real resolver: localhost resolves to loopback here, an unknown *.localhost name is refused")
    func realResolver() {
        #expect(LoopbackResolution.allLoopback(LoopbackResolution.addresses(of: "localhost")))
        #expect(throws: DbtCloudError.self) { _ = try DbtHost.parse("http://no-such-name-\(UUID().uuidString.prefix(8)).localhost:9") }
    }

    @Test("the process can be made non-dumpable (no core with the token in it)")
    func nonDumpable() {
        #expect(ProcessHardening.forbidCoreDumps())
        #expect(ProcessHardening.isDumpable == false)
    }
}
