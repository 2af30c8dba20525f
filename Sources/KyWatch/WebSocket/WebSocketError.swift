/// A WebSocket connection that could not be opened or that ended without the server's close frame.
public struct WebSocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step that ran out of time.
    public enum Phase: Sendable, Equatable {
        case connect
        case handshake
    }

    /// What went wrong, for callers that react differently.
    public enum Reason: Sendable, Equatable {
        /// The TCP connection failed, in the system's words ("connection refused").
        case unreachable(String)
        /// The TLS connection failed ("certificate not trusted", "hostname mismatch").
        case tls(String)
        case timedOut(phase: Phase, seconds: Double)
        /// The server answered the upgrade request with this HTTP status instead of 101.
        case handshakeRejected(status: Int)
        /// Nothing at all came from the server for this long.
        case silent(seconds: Double)
        case messageTooLarge(limit: Int)
        case protocolViolation(String)
        /// The connection ended without a close frame (a crash, a reset, a dropped network).
        case closedAbruptly
    }

    /// The URL connected to, credentials removed.
    public let url: String
    public let reason: Reason

    public init(url: String, reason: Reason) {
        self.url = url
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .unreachable(let detail):
            return "\(url): cannot connect (\(detail))"
        case .tls(let detail):
            return "\(url): no TLS connection (\(detail))"
        case .timedOut(.connect, let seconds):
            return "\(url): no TCP connection within \(Self.format(seconds)) s"
        case .timedOut(.handshake, let seconds):
            return "\(url): no answer to the WebSocket upgrade within \(Self.format(seconds)) s"
        case .handshakeRejected(let status):
            return "\(url): the server refused the WebSocket upgrade with HTTP \(status)"
        case .silent(let seconds):
            return "\(url): no frame for \(Self.format(seconds)) s (a silent socket)"
        case .messageTooLarge(let limit):
            return "\(url): a message larger than \(Self.format(bytes: limit))"
        case .protocolViolation(let detail):
            return "\(url): WebSocket protocol violation (\(detail))"
        case .closedAbruptly:
            return "\(url): the connection closed without a WebSocket close frame"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
    }

    private static func format(bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}
