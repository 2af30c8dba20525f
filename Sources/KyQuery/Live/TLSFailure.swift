import NIOSSL

/// A few precise words for a failed TLS connection ("certificate not trusted", "hostname
/// mismatch"), or nil when `error` is not about TLS.
public func describeTLSError(_ error: any Error) -> String? {
    switch error {
    case let error as NIOSSLExtraError where error == .failedToValidateHostname:
        return "hostname mismatch: the server's certificate is not issued for this host"
    case NIOSSLError.handshakeFailed(let failure):
        let detail = String(describing: failure)
        if detail.contains("CERTIFICATE_VERIFY_FAILED") {
            return "certificate not trusted (self-signed, signed by an unknown CA, or expired); pass its CA with --ca-file"
        }
        if detail.contains("WRONG_VERSION_NUMBER") || detail.contains("UNEXPECTED_RECORD") || detail.contains("HTTP_REQUEST") {
            return "TLS handshake failed: the server does not speak TLS on this port (try http://)"
        }
        return "TLS handshake failed (\(detail))"
    case NIOSSLError.uncleanShutdown:
        return "the TLS connection was cut without a close notification"
    case let error as NIOSSLError:
        return "TLS error (\(error))"
    case let error as NIOSSLExtraError:
        return "TLS error (\(error))"
    default:
        return nil
    }
}
