/// A failure of the redis connection, before ``RedisChannel`` reports it as a `ChannelError`.
///
/// Messages are lower-case, name the server as `host:port` and the command involved, and keep hiredis's
/// and the server's own text verbatim. They never contain the password.
struct RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case connectFailed(reason: String)
        case connectionLost(operation: String, reason: String)
        case timeout(operation: String, limit: Duration)
        case passwordRefused(username: String?, reply: String)
        case passwordRequired(reply: String)
        case serverError(operation: String, reply: String)
        case unexpectedReply(operation: String, reply: String)
        case shutDown
    }

    private let code: Code
    /// The server as `host:port`.
    let address: String

    private init(_ code: Code, address: String) {
        self.code = code
        self.address = address
    }

    /// No TCP connection could be opened (refused, unknown host, connect timeout); `reason` is hiredis's text.
    static func connectFailed(address: String, reason: String) -> RedisError {
        RedisError(.connectFailed(reason: reason), address: address)
    }

    /// The connection broke during `operation` (EOF, reset, protocol error); `reason` is hiredis's text.
    static func connectionLost(address: String, operation: String, reason: String) -> RedisError {
        RedisError(.connectionLost(operation: operation, reason: reason), address: address)
    }

    /// `operation` got no reply within the command timeout `limit`.
    static func timeout(address: String, operation: String, limit: Duration) -> RedisError {
        RedisError(.timeout(operation: operation, limit: limit), address: address)
    }

    /// The server answered `AUTH` with an error `reply` (WRONGPASS, invalid password, no password set).
    static func passwordRefused(address: String, username: String?, reply: String) -> RedisError {
        RedisError(.passwordRefused(username: username, reply: reply), address: address)
    }

    /// The server wants `AUTH` first (`NOAUTH …`) but no password is configured.
    static func passwordRequired(address: String, reply: String) -> RedisError {
        RedisError(.passwordRequired(reply: reply), address: address)
    }

    /// The server answered `operation` with an error `reply`.
    static func serverError(address: String, operation: String, reply: String) -> RedisError {
        RedisError(.serverError(operation: operation, reply: reply), address: address)
    }

    /// The server answered `operation` with a reply of the wrong kind, described by `reply`.
    static func unexpectedReply(address: String, operation: String, reply: String) -> RedisError {
        RedisError(.unexpectedReply(operation: operation, reply: reply), address: address)
    }

    /// The channel was used after its shutdown.
    static func shutDown(address: String) -> RedisError {
        RedisError(.shutDown, address: address)
    }

    /// Whether a later attempt, on a new connection when needed, may succeed.
    var isRetriable: Bool {
        switch code {
        case .connectFailed, .connectionLost, .timeout:
            return true
        case .serverError(_, let reply):
            // Transient server states: loading a dataset, a busy script, a failover in progress.
            let transient = ["LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN"]
            return transient.contains { reply.hasPrefix($0 + " ") || reply == $0 }
        case .passwordRefused, .passwordRequired, .unexpectedReply, .shutDown:
            return false
        }
    }

    /// The server's error text when the server refused something, `nil` for client-side failures.
    var serverReply: String? {
        switch code {
        case .passwordRefused(_, let reply), .passwordRequired(let reply), .serverError(_, let reply):
            return reply
        case .connectFailed, .connectionLost, .timeout, .unexpectedReply, .shutDown:
            return nil
        }
    }

    /// A lower-case message naming the server and the command.
    var description: String {
        switch code {
        case .connectFailed(let reason):
            return "cannot connect to redis at \(address): \(reason)"
        case .connectionLost(let operation, let reason):
            return "lost the connection to redis at \(address) during \(operation): \(reason)"
        case .timeout(let operation, let limit):
            return "redis at \(address) did not answer \(operation) within \(Self.format(limit))"
        case .passwordRefused(let username, let reply):
            let user = username.map { " of user '\($0)'" } ?? ""
            return "redis at \(address) refused the password\(user) (\(reply))"
        case .passwordRequired(let reply):
            return "redis at \(address) requires a password, and none is configured (\(reply))"
        case .serverError(let operation, let reply):
            return "redis at \(address) rejected \(operation): \(reply)"
        case .unexpectedReply(let operation, let reply):
            return "redis at \(address) answered \(operation) with \(reply)"
        case .shutDown:
            return "the redis channel for \(address) is shut down"
        }
    }

    /// `5s`, `1.5s` or `200ms`.
    private static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        if milliseconds > 1000 { return "\(Double(milliseconds) / 1000)s" }
        return "\(milliseconds)ms"
    }
}
