import NIOSSL

/// Where a WebSocket client connects: a plain `ws://` server, or a `wss://` one when `tls` is set.
public struct WebSocketEndpoint: Sendable {
    /// The server's host name or IP address, without brackets.
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// Path and query of the upgrade request, such as `/ws?clientId=kymon-…`.
    public var requestTarget: String
    /// Extra headers of the upgrade request, such as `Authorization`; their values are never logged.
    ///
    /// `Host`, `Connection`, `Upgrade` and `Sec-WebSocket-*` are set by the client.
    public var headers: [(name: String, value: String)]
    /// The URL that errors and logs show; the caller passes one without credentials.
    public var displayURL: String
    /// TLS settings for `wss://`; nil for plain `ws://`. The host name goes out as SNI (unless it is
    /// an IP address) and the certificate must name the host, unless verification is off.
    public var tls: TLSConfiguration?

    public init(
        host: String, port: Int, requestTarget: String, headers: [(name: String, value: String)] = [], displayURL: String, tls: TLSConfiguration? = nil
    ) {
        self.tls = tls
        self.host = host
        self.port = port
        self.requestTarget = requestTarget
        self.headers = headers
        self.displayURL = displayURL
    }

    /// The `Host` header: the host, bracketed when it is an IPv6 address, and the port unless it is
    /// the scheme's default (80, or 443 with TLS).
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (tls == nil ? 80 : 443) ? name : "\(name):\(port)"
    }
}
