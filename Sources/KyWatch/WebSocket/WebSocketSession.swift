import Logging

/// One connection attempt of `WebSocketClient.run`: what it connects to and how, step by step.
struct WebSocketSession: Sendable {
    let endpoint: WebSocketEndpoint
    let configuration: WebSocketConfiguration
    let logger: Logger
    /// Closes the connection when the caller is cancelled or the handshake takes too long.
    let closer = ChannelCloser()

    /// An error about this connection.
    func fail(_ reason: WebSocketError.Reason) -> WebSocketError {
        WebSocketError(url: endpoint.displayURL, reason: reason)
    }

    /// Metadata naming the connection in log lines (never its headers).
    var logMetadata: Logger.Metadata {
        ["url": "\(endpoint.displayURL)"]
    }
}
