#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// Short, stable words for a failed connection or transfer ("connection refused",
/// "connection reset by peer", "certificate not trusted …"), instead of SwiftNIO's internal descriptions.
public func describeTransportError(_ error: any Error) -> String {
    if let tls = describeTLSError(error) { return tls }
    if let io = error as? IOError {
        return String(cString: strerror(io.errnoCode)).lowercased()
    }
    if let connection = error as? NIOConnectionError, let first = connection.connectionErrors.first {
        return describeTransportError(first.error)
    }
    let text = String(describing: error)
    if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
    if text.contains("Connection reset by peer") { return "connection reset by peer" }
    return text
}
