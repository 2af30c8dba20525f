import AsyncHTTPClient
import KyQuery

/// The `comfyui` channel: `POST /kymon/emit` on the kymon bridge custom node, which calls
/// `PromptServer.instance.send_sync(event, data, None)` so every browser tab and socket receives
/// `{"type": event, "data": message}`.
public struct BridgeChannel: Channel {
    public let name = "comfyui"
    private let server: ServerURL
    private let eventName: String
    private let token: String?
    /// The headers every request to ComfyUI carries (an authenticating proxy's).
    private let serverHeaders: [(name: String, value: String)]
    private let post: HTTPPost
    private let timeout: Duration

    /// `tls` checks an `https://` server as the reads do (`ca_file`, `insecure`).
    public init(
        server: ServerURL, eventName: String, token: String?, serverHeaders: [(name: String, value: String)] = [], tls: UpstreamTLS = UpstreamTLS(),
        client: HTTPClient, timeout: Duration
    ) {
        self.server = server
        self.eventName = eventName
        self.token = token
        self.serverHeaders = serverHeaders
        self.post = HTTPPost(client: client, channel: "comfyui", tls: server.components.secure ? tls.configuration : nil)
        self.timeout = timeout
    }

    /// The proxy's headers and basic auth as for every request to ComfyUI; the bridge token in
    /// `X-Kymon-Token`, and also as `Authorization: Bearer` when nothing else claims that header.
    private var headers: [(String, String)] {
        var headers = [("Content-Type", "application/json"), ("User-Agent", "kymon")]
        headers += serverHeaders.map { ($0.name, $0.value) }
        var authorizationTaken = serverHeaders.contains { $0.name.lowercased() == "authorization" }
        if !authorizationTaken, let basic = server.basicAuthorization {
            headers.append(("Authorization", basic))
            authorizationTaken = true
        }
        if let token, !token.isEmpty {
            headers.append(("X-Kymon-Token", token))
            if !authorizationTaken { headers.append(("Authorization", "Bearer \(token)")) }
        }
        return headers
    }

    public func send(_ message: ChannelMessage) async throws {
        var body = JSONWriter(reservingCapacity: message.body.count + 64)
        body.beginObject()
        body.key("event")
        body.string(eventName)
        body.key("data")
        body.endObject()
        // `data` is the message document itself, spliced in whole.
        var bytes = Array(body.bytes.dropLast())
        bytes += message.body
        bytes.append(UInt8(ascii: "}"))
        let url = server.appending("/kymon/emit")
        let reply = try await post.send(url: url, displayURL: url, headers: headers, body: bytes, timeout: timeout)
        try check(reply, url: url)
    }

    public func check() async throws -> String {
        let url = server.appending("/kymon/health")
        let reply = try await post.send(method: .GET, url: url, displayURL: url, headers: headers, body: nil, timeout: timeout)
        try check(reply, url: url)
        return "kymon bridge answers at \(server.redacted)"
    }

    private func check(_ reply: HTTPPost.Reply, url: String) throws {
        switch reply.status {
        case 200..<300:
            return
        case 404:
            throw ChannelError(
                channel: name,
                reason: "the kymon bridge is not installed on ComfyUI at \(server.redacted) (\(url) is 404): copy Bridge/kymon_bridge into ComfyUI/custom_nodes/ and restart ComfyUI",
                isRetriable: false
            )
        case 401, 403:
            throw ChannelError(channel: name, reason: "the kymon bridge at \(server.redacted) refused the token (HTTP \(reply.status)); set prompt_server_channel.token to ComfyUI's KYMON_BRIDGE_TOKEN", isRetriable: false)
        case 500..<600:
            throw ChannelError(channel: name, reason: "\(url) answered HTTP \(reply.status): \(reply.summary)", isRetriable: true)
        default:
            throw ChannelError(channel: name, reason: "\(url) refused the message (HTTP \(reply.status)): \(reply.summary)", isRetriable: false)
        }
    }

    public func shutdown() async {}
}
