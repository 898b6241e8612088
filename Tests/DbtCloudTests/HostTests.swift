import Foundation
import Testing
@testable import DbtCloud

@Suite struct HostTests {
    @Test(arguments: [
        ("cloud.getdbt.com", "https://cloud.getdbt.com", "https://metadata.cloud.getdbt.com/graphql"),
        ("https://cloud.getdbt.com/", "https://cloud.getdbt.com", "https://metadata.cloud.getdbt.com/graphql"),
        ("https://cloud.getdbt.com/api", "https://cloud.getdbt.com", "https://metadata.cloud.getdbt.com/graphql"),
        ("emea.dbt.com", "https://emea.dbt.com", "https://metadata.emea.dbt.com/graphql"),
        ("AU.dbt.com", "https://au.dbt.com", "https://metadata.au.dbt.com/graphql"),
        ("ab123.us1.dbt.com", "https://ab123.us1.dbt.com", "https://ab123.metadata.us1.dbt.com/graphql"),
        ("https://xy9.eu2.dbt.com", "https://xy9.eu2.dbt.com", "https://xy9.metadata.eu2.dbt.com/graphql"),
        ("cloud.acme.getdbt.com", "https://cloud.acme.getdbt.com", "https://metadata.cloud.acme.getdbt.com/graphql"),
        ("acme.tenant.dbt.com", "https://acme.tenant.dbt.com", "https://acme.metadata.tenant.dbt.com/graphql"),
        ("http://127.0.0.1:8580", "http://127.0.0.1:8580", "http://127.0.0.1:8580/graphql"),
        ("http://localhost:9000/", "http://localhost:9000", "http://localhost:9000/graphql"),
        ("http://[::1]:7000", "http://[::1]:7000", "http://[::1]:7000/graphql"),
        ("https://127.0.0.1:8443", "https://127.0.0.1:8443", "https://127.0.0.1:8443/graphql"),
    ])
    func derivesAPIAndDiscoveryURLs(input: String, api: String, discovery: String) throws {
        let host = try DbtHost.parse(input)
        #expect(host.apiBaseURL.absoluteString == api)
        #expect(host.discoveryURL.absoluteString == discovery)
    }

    @Test func classifiesHosts() throws {
        #expect(try DbtHost.parse("cloud.getdbt.com").isLegacyMultiTenant)
        #expect(try DbtHost.parse("emea.dbt.com").isLegacyMultiTenant)
        #expect(try DbtHost.parse("ab123.us1.dbt.com").kind == .cell(prefix: "ab123", cell: "us1"))
        #expect(try DbtHost.parse("cloud.acme.getdbt.com").kind == .singleTenant)
        #expect(try DbtHost.parse("http://127.0.0.2:80").kind == .loopback)
        #expect(try DbtHost.parse("ab123.us1.dbt.com").displayName == "ab123.us1.dbt.com")
        #expect(try DbtHost.parse("http://127.0.0.1:8580").displayName == "127.0.0.1:8580")
    }

    @Test(arguments: ["http://cloud.getdbt.com", "http://10.0.0.5:8080", "http://128.0.0.1", "http://localhost.evil.com"])
    func refusesPlainHTTPOffLoopback(input: String) {
        #expect {
            try DbtHost.parse(input)
        } throws: { error in
            let error = error as? DbtCloudError
            return error?.kind == .configuration && error?.description.contains("plain http") == true
        }
    }

    @Test(arguments: ["", "https://", "ftp://cloud.getdbt.com", "cloud getdbt com", "https://cloud.getdbt.com/api/v2/accounts",
        "https://user:pw@cloud.getdbt.com"])
    func refusesMalformedHosts(input: String) {
        #expect(throws: DbtCloudError.self) { try DbtHost.parse(input) }
    }
}

@Suite struct TokenRedactionTests {
    @Test func tokenNeverPrints() {
        let token = APIToken("dbtu_supersecret_value")
        #expect("\(token)" == "****")
        #expect(String(describing: token) == "****")
        #expect(String(reflecting: token) == "APIToken(****)")
        var dumped = ""
        dump(token, to: &dumped)
        #expect(!dumped.contains("supersecret"))
    }

    @Test func redactionHelpersForHistoryAndMessages() {
        let token = APIToken("  dbtu_supersecret_value\n")
        #expect(token.appears(in: "set token dbtu_supersecret_value"))
        #expect(!token.appears(in: "jobs --project 100"))
        #expect(token.redact("echo: Token dbtu_supersecret_value") == "echo: Token ****")
        #expect(!APIToken("ab").appears(in: "abc"), "too short to match safely")
    }
}
