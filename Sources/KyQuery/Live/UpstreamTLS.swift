#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
            bytes = try readFile(path)
        } catch {
            throw ConfigurationError("cannot read ca_file '\(path)': \(error.reason)")
        }
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(bytes), !certificates.isEmpty else {
            throw ConfigurationError("ca_file '\(path)' holds no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks)")
        }
        return certificates
    }

    private struct ReadError: Error {
        let reason: String
    }

    /// The whole file, up to `maximumBundleBytes`.
    private static func readFile(_ path: String) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(reason: String(cString: strerror(errno)))
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            guard bytes.count <= maximumBundleBytes else { throw ReadError(reason: "larger than \(maximumBundleBytes >> 20) MiB") }
        }
    }
}
