/// A failure of the RocketMQ producer: bad configuration or message, network trouble, a broken frame
/// or a refusal from a name server or broker.
///
/// Messages are lower-case and name the address, topic or operation involved. They never contain a
/// message body. A server's remark is kept verbatim in ``remark``.
public struct RocketMQError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case invalidConfiguration(reason: String)
        case invalidMessage(reason: String)
        case connectFailed(address: String, reason: String)
        case timeout(address: String, operation: String)
        case brokerError(code: Int, remark: String, address: String, operation: String)
        case frameTooLarge(length: Int, limit: Int)
        case malformedFrame(reason: String)
        case noRoute(topic: String, reason: String)
        case connectionClosed(address: String)
        case shutDown
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The configuration is unusable; `reason` names the bad part.
    public static func invalidConfiguration(_ reason: String) -> RocketMQError {
        RocketMQError(.invalidConfiguration(reason: reason))
    }

    /// The message cannot be sent as given (empty body, a separator inside a property, …).
    public static func invalidMessage(_ reason: String) -> RocketMQError {
        RocketMQError(.invalidMessage(reason: reason))
    }

    /// No TCP connection could be opened to `address`.
    public static func connectFailed(address: String, reason: String) -> RocketMQError {
        RocketMQError(.connectFailed(address: address, reason: reason))
    }

    /// `operation` (connect, route lookup, send) against `address` did not finish in time.
    public static func timeout(address: String, operation: String) -> RocketMQError {
        RocketMQError(.timeout(address: address, operation: operation))
    }

    /// The server at `address` answered `operation` with a non-success reply `code` and `remark`.
    public static func brokerError(code: Int, remark: String, address: String, operation: String) -> RocketMQError {
        RocketMQError(.brokerError(code: code, remark: remark, address: address, operation: operation))
    }

    /// A frame of `length` bytes is over the `limit`; nothing was allocated for it.
    public static func frameTooLarge(length: Int, limit: Int) -> RocketMQError {
        RocketMQError(.frameTooLarge(length: length, limit: limit))
    }

    /// Bytes on the wire do not form a valid remoting frame or reply.
    public static func malformedFrame(_ reason: String) -> RocketMQError {
        RocketMQError(.malformedFrame(reason: reason))
    }

    /// No writable queue could be found for `topic`.
    public static func noRoute(topic: String, reason: String) -> RocketMQError {
        RocketMQError(.noRoute(topic: topic, reason: reason))
    }

    /// The connection to `address` closed while a reply was outstanding.
    public static func connectionClosed(address: String) -> RocketMQError {
        RocketMQError(.connectionClosed(address: address))
    }

    /// The producer was used after ``RocketMQProducer/shutdown()``.
    public static let shutDown = RocketMQError(.shutDown)

    /// Whether sending again (on another queue or connection) may succeed.
    public var isRetriable: Bool {
        switch code {
        case .connectFailed, .timeout, .connectionClosed:
            return true
        case .brokerError(let responseCode, _, _, _):
            return ResponseCode.isRetriable(responseCode)
        case .invalidConfiguration, .invalidMessage, .frameTooLarge, .malformedFrame, .noRoute, .shutDown:
            return false
        }
    }

    /// The reply code of a server refusal, `nil` for other errors.
    public var responseCode: Int? {
        if case .brokerError(let responseCode, _, _, _) = code { return responseCode }
        return nil
    }

    /// The server's remark of a refusal, verbatim; `nil` for other errors.
    public var remark: String? {
        if case .brokerError(_, let remark, _, _) = code { return remark }
        return nil
    }

    /// The bare reason of a configuration, message or frame error, without the leading category words.
    var reason: String {
        switch code {
        case .invalidConfiguration(let reason), .invalidMessage(let reason), .malformedFrame(let reason):
            return reason
        default:
            return description
        }
    }

    /// A stable name of the error kind without associated values, suitable as a metrics label.
    public var shortDescription: String {
        switch code {
        case .invalidConfiguration: return "invalidConfiguration"
        case .invalidMessage: return "invalidMessage"
        case .connectFailed: return "connectFailed"
        case .timeout: return "timeout"
        case .brokerError: return "brokerError"
        case .frameTooLarge: return "frameTooLarge"
        case .malformedFrame: return "malformedFrame"
        case .noRoute: return "noRoute"
        case .connectionClosed: return "connectionClosed"
        case .shutDown: return "shutDown"
        }
    }

    /// A lower-case message naming the address, topic or operation involved.
    public var description: String {
        switch code {
        case .invalidConfiguration(let reason):
            return "invalid rocketmq configuration: \(reason)"
        case .invalidMessage(let reason):
            return "invalid rocketmq message: \(reason)"
        case .connectFailed(let address, let reason):
            return "cannot connect to rocketmq server \(address): \(reason)"
        case .timeout(let address, let operation):
            return "rocketmq \(operation) with \(address) timed out"
        case .brokerError(let responseCode, let remark, let address, let operation):
            let name = ResponseCode.name(of: responseCode)
            let suffix = remark.isEmpty ? "" : ": \(remark)"
            return "rocketmq server \(address) refused \(operation) with code \(responseCode) (\(name))\(suffix)"
        case .frameTooLarge(let length, let limit):
            return "rocketmq frame of \(length) bytes exceeds the limit of \(limit) bytes"
        case .malformedFrame(let reason):
            return "malformed rocketmq frame: \(reason)"
        case .noRoute(let topic, let reason):
            return "no route for rocketmq topic '\(topic)': \(reason)"
        case .connectionClosed(let address):
            return "connection to rocketmq server \(address) closed before the reply arrived"
        case .shutDown:
            return "rocketmq producer is shut down"
        }
    }
}
