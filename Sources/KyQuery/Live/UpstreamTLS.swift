import NIOSSL

/// How kymon checks the certificates of `https://` ComfyUI servers, for HTTP reads and the
/// `wss://` socket alike: the system roots plus any `ca_file` bundle, or no check at all with `insecure`.
public struct UpstreamTLS: Sendable {
    /// The PEM bundle trusted besides the system roots, if any.
    public let caFile: String?
    /// True when certificates are not checked at all.
    public let insecure: Bool
    /// The client settings every TLS connection to ComfyUI uses.
    public let configuration: TLSConfiguration

    /// Largest `ca_file` read; system bundles are a few hundred KiB.
    static let maximumBundleBytes = 16 << 20

    /// System roots and full verification (hostname included).
    public init() {
        caFile = nil
        insecure = false
        configuration = .makeClientConfiguration()
    }

    /// Loads `caFile` now, so a missing, unreadable or empty bundle fails before any request.
    public init(caFile: String?, insecure: Bool) throws(ConfigurationError) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            configuration.additionalTrustRoots = [.certificates(try Self.certificates(in: caFile))]
        }
        if insecure { configuration.certificateVerification = .none }
        self.caFile = caFile
        self.insecure = insecure
        self.configuration = configuration
    }

    /// The certificates of a PEM bundle; throws a message naming the file.
    static func certificates(in path: String) throws(ConfigurationError) -> [NIOSSLCertificate] {
        let bytes: [UInt8]
        do {
            bytes = try WholeFile.read(path, limit: maximumBundleBytes)
        } catch {
            throw ConfigurationError("cannot read ca_file '\(path)': \(error.reason)")
        }
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(bytes), !certificates.isEmpty else {
            throw ConfigurationError("ca_file '\(path)' holds no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks)")
        }
        return certificates
    }
}
