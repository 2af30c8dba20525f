import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOSSL
import SwiftASN1
import X509

/// A throw-away certificate authority and a server certificate it signed, made at test time.
public struct TestCertificates: Sendable {
    /// The CA's certificate, PEM: what `--ca-file` trusts.
    public let authorityPEM: String
    /// The server's certificate, PEM.
    public let serverPEM: String
    /// The server's private key, PEM (PKCS #8).
    public let serverKeyPEM: String

    /// A CA and a server certificate for `hostNames` and `ipAddresses` (IPv4 dotted quads), valid for a day.
    public static func make(hostNames: [String] = ["localhost"], ipAddresses: [String] = ["127.0.0.1"]) throws -> TestCertificates {
        let now = Date()
        let authorityKey = P256.Signing.PrivateKey()
        let authorityName = try DistinguishedName { CommonName("kymon test CA") }
        let authority = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(authorityKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400, issuer: authorityName, subject: authorityName,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(authorityKey)
        )
        let serverKey = P256.Signing.PrivateKey()
        let names = hostNames.map(GeneralName.dnsName) + ipAddresses.map { address in
            GeneralName.ipAddress(ASN1OctetString(contentBytes: ArraySlice(address.split(separator: ".").compactMap { UInt8($0) })))
        }
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400, issuer: authorityName,
            subject: try DistinguishedName { CommonName(hostNames.first ?? ipAddresses.first ?? "kymon test server") },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(authorityKey)
        )
        return TestCertificates(
            authorityPEM: try authority.serializeAsPEM().pemString,
            serverPEM: try server.serializeAsPEM().pemString,
            serverKeyPEM: serverKey.pemRepresentation
        )
    }

    /// The server side: this certificate and key.
    public func serverConfiguration() throws -> TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(serverPEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(serverKeyPEM.utf8), format: .pem))
        )
    }
}
