import AsyncHTTPClient
import KyQuery

/// The `webhook` channel: `POST` each message as `application/json`, signed when a secret is set.
///
/// Connection errors, timeouts, 408, 429 and 5xx are retried by the dispatcher; other 4xx are not.
/// The URL's query and credentials never appear in logs or errors.
public struct WebhookChannel: Channel {
    public let name = "webhook"
    private let url: WebhookURL
    private let secret: String?
    private let extraHeaders: [(String, String)]
    private let post: HTTPPost
    private let timeout: Duration
    private let now: @Sendable () -> Int64

    public init(url: WebhookURL, secret: String?, headers: [(String, String)], client: HTTPClient, timeout: Duration, now: @escaping @Sendable () -> Int64 = Timestamp.now) {
        self.url = url
        self.secret = secret
        self.extraHeaders = headers
        self.post = HTTPPost(client: client, channel: "webhook")
        self.timeout = timeout
        self.now = now
    }

    public func send(_ message: ChannelMessage) async throws {
        var headers = [("Content-Type", "application/json"), ("User-Agent", "kymon"), ("X-Kymon-Timestamp", String(now() / 1000))]
        if let basic = url.basicAuthorization { headers.append(("Authorization", basic)) }
        if let secret, !secret.isEmpty { headers.append(("X-Kymon-Signature", WebhookSignature.header(for: message.body, secret: secret))) }
        // Configured headers replace kymon's own of the same name.
        let overridden = Set(extraHeaders.map { $0.0.lowercased() })
        headers = headers.filter { !overridden.contains($0.0.lowercased()) } + extraHeaders
        let reply = try await post.send(url: url.requestURL, displayURL: url.display, headers: headers, body: message.body, timeout: timeout)
        switch reply.status {
        case 200..<300:
            return
        case 408, 429, 500..<600:
            throw ChannelError(channel: name, reason: "\(url.display) answered HTTP \(reply.status)", isRetriable: true)
        default:
            throw ChannelError(channel: name, reason: "\(url.display) refused the message (HTTP \(reply.status))", isRetriable: false)
        }
    }

    public func check() async throws -> String {
        "configured, not contacted (any request would be a delivery): POST to \(url.display)\(secret == nil ? "" : ", signed")"
    }

    public func shutdown() async {}
}
