/// Time limits and sizes of a WebSocket connection.
public struct WebSocketConfiguration: Sendable {
    /// The longest wait for the TCP connection.
    public var connectTimeout: Duration
    /// The longest wait for the server's answer to the upgrade request, once connected.
    public var handshakeTimeout: Duration
    /// How often the client sends a ping.
    public var pingInterval: Duration
    /// How long the socket may stay without any frame from the server (pongs included) before it counts as dead.
    ///
    /// Time the caller spends handling a message does not count.
    public var silenceTimeout: Duration
    /// The largest message accepted, after joining its fragments; larger ones end the connection.
    public var maximumMessageBytes: Int

    public init(
        connectTimeout: Duration = .seconds(10),
        handshakeTimeout: Duration = .seconds(10),
        pingInterval: Duration = .seconds(10),
        silenceTimeout: Duration = .seconds(30),
        maximumMessageBytes: Int = 4 << 20
    ) {
        self.connectTimeout = connectTimeout
        self.handshakeTimeout = handshakeTimeout
        self.pingInterval = pingInterval
        self.silenceTimeout = silenceTimeout
        self.maximumMessageBytes = maximumMessageBytes
    }
}
