import AsyncHTTPClient
import KyQuery
import NIOCore
import NIOHTTP1
import NIOSSL

/// One bounded HTTP request for the HTTP-based channels: deadline, capped reply, no secrets in errors.
struct HTTPPost: Sendable {
    /// The reply: status and at most the first 4 KiB of the body.
    struct Reply: Sendable {
        var status: Int
        var body: [UInt8]

        /// The `error` field of a JSON reply, or its text, shortened, for messages.
        var summary: String {
            let text = String(decoding: body.prefix(300), as: UTF8.self)
            if let range = text.firstRange(of: "\"error\""), let start = text[range.upperBound...].firstIndex(of: "\"") {
                let rest = text[text.index(after: start)...]
                if let end = rest.firstIndex(of: "\"") { return String(rest[..<end]) }
            }
            return String(text.map { $0 == "\n" ? " " : $0 })
        }
    }

    let client: HTTPClient
    /// Name of the channel, for errors.
    let channel: String
    /// TLS settings for this destination; nil for the client's (system roots, full verification).
    var tls: TLSConfiguration? = nil

    /// Sends `method url` and returns the reply; transport failures become retriable `ChannelError`s
    /// that name `displayURL` (never the real URL, which may hold secrets).
    func send(method: HTTPMethod = .POST, url: String, displayURL: String, headers: [(String, String)], body: [UInt8]?, timeout: Duration) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.tlsConfiguration = tls
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(request, deadline: .now() + TimeAmount(timeout))
            var collected: [UInt8] = []
            for try await chunk in response.body {
                if collected.count < 4096 { collected += chunk.readableBytesView.prefix(4096 - collected.count) }
            }
            return Reply(status: Int(response.status.code), body: collected)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw ChannelError(channel: channel, reason: "no answer from \(displayURL) within \(timeout)", isRetriable: true)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ChannelError(channel: channel, reason: "cannot reach \(displayURL): \(describeTransportError(error))", isRetriable: true)
        }
    }
}
