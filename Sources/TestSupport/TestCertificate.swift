import Foundation
import NIOSSL
import Sandbox

/// A self-signed server certificate for chosen names: for `localhost`/127.0.0.1 like the
/// sandbox's, or for another host entirely (a server presenting the wrong certificate).
public struct TestCertificate: Sendable {
    private let certificate: SelfSignedCertificate

    public var certificatePEM: String { certificate.certificatePEM }

    /// `dnsNames` and `ipAddresses` (four bytes each) go in the subject alternative names.
    public init(dnsNames: [String], ipAddresses: [[UInt8]] = [], now: Date = Date()) throws {
        certificate = try SelfSignedCertificate(organization: "dbtsh hostile test server", dnsNames: dnsNames, ipAddresses: ipAddresses, now: now)
    }

    /// A certificate for a host that is not the one the client connects to.
    public static func forWrongHost(_ name: String = "wrong-host.example") throws -> TestCertificate {
        try TestCertificate(dnsNames: [name])
    }

    /// Valid for `localhost` and 127.0.0.1.
    public static func forLoopback() throws -> TestCertificate {
        try TestCertificate(dnsNames: ["localhost"], ipAddresses: [[127, 0, 0, 1]])
    }

    func serverConfiguration() throws -> TLSConfiguration { try certificate.serverConfiguration() }
}
