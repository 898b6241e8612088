import Crypto
import Foundation
import NIOSSL
import X509

/// A self-signed server certificate for chosen names: for `localhost`/127.0.0.1 like the
/// sandbox's, or for another host entirely (a server presenting the wrong certificate).
public struct TestCertificate: Sendable {
    public let certificatePEM: String
    let privateKeyPEM: String

    /// `dnsNames` and `ipAddresses` (four bytes each) go in the subject alternative names.
    public init(dnsNames: [String], ipAddresses: [[UInt8]] = [], now: Date = Date()) throws {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let name = try DistinguishedName {
            OrganizationName("dbtsh hostile test server")
            CommonName(dnsNames.first ?? "test")
        }
        let keyIdentifier = SubjectKeyIdentifier(hash: publicKey).keyIdentifier
        let alternatives = dnsNames.map { GeneralName.dnsName($0) }
            + ipAddresses.map { GeneralName.ipAddress(.init(contentBytes: ArraySlice($0))) }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectKeyIdentifier(keyIdentifier: keyIdentifier)
            AuthorityKeyIdentifier(keyIdentifier: keyIdentifier)
            SubjectAlternativeNames(alternatives)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3_600), notValidAfter: now.addingTimeInterval(30 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(key))
        certificatePEM = try certificate.serializeAsPEM().pemString
        privateKeyPEM = key.pemRepresentation
    }

    /// A certificate for a host that is not the one the client connects to.
    public static func forWrongHost(_ name: String = "wrong-host.example") throws -> TestCertificate {
        try TestCertificate(dnsNames: [name])
    }

    /// Valid for `localhost` and 127.0.0.1.
    public static func forLoopback() throws -> TestCertificate {
        try TestCertificate(dnsNames: ["localhost"], ipAddresses: [[127, 0, 0, 1]])
    }

    func serverConfiguration() throws -> TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)))
    }
}
