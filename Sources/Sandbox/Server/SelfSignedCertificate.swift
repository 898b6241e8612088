import Crypto
import Foundation
import NIOSSL
import X509

/// A fresh P-256 self-signed certificate, so clients can trust it as their only root: by default
/// for 127.0.0.1 and localhost (the sandbox's); tests make them for other names too.
public struct SelfSignedCertificate: Sendable {
    public let certificatePEM: String
    let privateKeyPEM: String

    /// `dnsNames` and `ipAddresses` (four bytes each) go in the subject alternative names; the
    /// first name is the common name.
    public init(organization: String = "dbtsh sandbox", dnsNames: [String] = ["localhost"], ipAddresses: [[UInt8]] = [[127, 0, 0, 1]],
                now: Date = Date()) throws {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let name = try DistinguishedName {
            OrganizationName(organization)
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

    public func serverConfiguration() throws -> TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)))
    }
}
