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

    @Test("~/.dbt/dbt_cloud.yml readable by others is used with a warning and the chmod 600 hint")
    func readableDbtCloudYAMLWarns() throws {
        let yaml = """
            version: "1"
            context:
              active-project: "555"
            projects:
              - project-id: "555"
                account-id: "43"
                account-host: "cloud.getdbt.com"
                token-value: "yaml-token"
            """
        for (mode, warns) in [(UInt16(0o644), true), (0o640, true), (0o600, false), (0o400, false)] {
            let resolver = CredentialResolver(
                flags: CredentialFlags(), environment: [:], homeDirectory: URL(fileURLWithPath: "/home/ada"),
                readFile: { url in url.path.hasSuffix("dbt_cloud.yml") ? ConfigFileContents(text: yaml, permissions: mode) : nil })
            let resolved = try resolver.resolve()
            #expect(resolved.token == APIToken("yaml-token"))
            let warning = resolved.warnings.first { $0.contains("readable by others") }
            #expect((warning != nil) == warns, "mode \(String(mode, radix: 8)): \(resolved.warnings)")
            if let warning { #expect(warning.contains("chmod 600 ~/.dbt/dbt_cloud.yml")) }
        }
    }

    @Test("the process can be made non-dumpable (no core with the token in it)")
    func nonDumpable() {
        #expect(ProcessHardening.forbidCoreDumps())
        #expect(ProcessHardening.isDumpable == false)
    }
}
