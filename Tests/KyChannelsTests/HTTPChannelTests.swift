import AsyncHTTPClient
import Crypto
import Foundation
import KyChannels
import KyQuery
import KyTestSupport
import Logging
import Testing

@Suite("HTTP channels: webhook and ComfyUI bridge")
struct HTTPChannelTests {
    private let message = ChannelMessage(body: Array(#"{"schema":"kymon.snapshot/1","seq":1,"items":[{"id":"é"}]}"#.utf8), tag: "snapshot", keys: ["é"])

    @Test("webhook: JSON body as sent, signature over the body, extra headers, timestamp")
    func webhookDelivers() async throws {
        try await FakeComfyUI.with(routes: ["/hook?token=abc": .json("{}")]) { server in
            try await HTTPClient.withHTTPClient { client in
                let url = try #require(WebhookURL("\(server.baseURL)/hook?token=abc"))
                let channel = WebhookChannel(url: url, secret: "s3cret", headers: [("X-Team", "gpu")], client: client, timeout: .seconds(5), now: { 1_795_973_158_490 })
                try await channel.send(message)
            }
            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.body == message.body)
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["x-team"] == "gpu")
            #expect(request.headers["x-kymon-timestamp"] == "1795973158")
            let expected = HMAC<SHA256>.authenticationCode(for: message.body, using: SymmetricKey(data: Array("s3cret".utf8)))
            #expect(request.headers["x-kymon-signature"] == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
        }
    }

    @Test("webhook: credentials in the URL go as basic auth, percent-decoded, never in the target or the display")
    func webhookCredentials() async throws {
        try await FakeComfyUI.with(routes: ["/hook": .json("{}")]) { server in
            let withCredentials = server.baseURL.replacingOccurrences(of: "://", with: "://ops%40gpu:p%3Aw@")
            let url = try #require(WebhookURL("\(withCredentials)/hook"))
            #expect(url.display == "\(server.baseURL)/hook")
            try await HTTPClient.withHTTPClient { client in
                try await WebhookChannel(url: url, secret: nil, headers: [], client: client, timeout: .seconds(5)).send(message)
            }
            let request = try #require(server.requests.first)
            #expect(request.target == "/hook")
            #expect(request.headers["authorization"] == "Basic " + Data("ops@gpu:p:w".utf8).base64EncodedString())
        }
    }

    @Test("webhook: 5xx is retriable, 4xx is not, and errors never show the query")
    func webhookErrors() async throws {
        try await FakeComfyUI.with(routes: ["/down?key=k1": .json("{}", status: 503), "/gone?key=k1": .json("{}", status: 410)]) { server in
            try await HTTPClient.withHTTPClient { client in
                for (path, retriable) in [("down", true), ("gone", false)] {
                    let url = try #require(WebhookURL("\(server.baseURL)/\(path)?key=k1"))
                    let channel = WebhookChannel(url: url, secret: nil, headers: [], client: client, timeout: .seconds(5))
                    await #expect {
                        try await channel.send(message)
                    } throws: { error in
                        guard let error = error as? ChannelError else { return false }
                        return error.isRetriable == retriable && error.reason.contains("\(server.baseURL)/\(path)") && !error.reason.contains("k1")
                    }
                }
            }
        }
    }

    @Test("webhook: an unreachable or hung endpoint is a retriable error")
    func webhookUnreachable() async throws {
        try await FakeComfyUI.with(routes: ["/slow": .hang]) { server in
            try await HTTPClient.withHTTPClient { client in
                let hung = WebhookChannel(url: try #require(WebhookURL("\(server.baseURL)/slow")), secret: nil, headers: [], client: client, timeout: .milliseconds(300))
                await #expect { try await hung.send(message) } throws: { ($0 as? ChannelError)?.isRetriable == true }
            }
        }
        #expect(WebhookURL("ftp://x") == nil)
        #expect(WebhookURL("https://user:pw@hooks.example/p?q=1")?.display == "https://hooks.example/p")
    }

    @Test("bridge: POST /kymon/emit with the event name, the message as data, and the bearer token")
    func bridgeDelivers() async throws {
        try await FakeComfyUI.with(routes: ["/kymon/emit": .json(#"{"ok": true}"#), "/kymon/health": .json(#"{"bridge":"kymon_bridge"}"#)]) { server in
            try await HTTPClient.withHTTPClient { client in
                let channel = BridgeChannel(server: try ServerURL(server.baseURL), eventName: "ky_monitor_update", token: "tok", client: client, timeout: .seconds(5))
                try await channel.send(message)
                #expect(try await channel.check().contains("bridge answers"))
            }
            let request = try #require(server.requests.first)
            #expect(request.headers["authorization"] == "Bearer tok")
            #expect(request.headers["x-kymon-token"] == "tok")
            let envelope = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            #expect(envelope["event"] as? String == "ky_monitor_update")
            let data = try #require(envelope["data"] as? [String: Any])
            #expect(data["schema"] as? String == "kymon.snapshot/1")
            #expect(try JSONSerialization.data(withJSONObject: data, options: .sortedKeys) == JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(message.body)), options: .sortedKeys))
        }
    }

    @Test("bridge behind an authenticating proxy: the proxy keeps Authorization, the token goes in X-Kymon-Token")
    func bridgeBehindProxy() async throws {
        try await FakeComfyUI.with(routes: ["/kymon/emit": .json(#"{"ok": true}"#)]) { server in
            try await HTTPClient.withHTTPClient { client in
                let channel = BridgeChannel(
                    server: try ServerURL(server.baseURL), eventName: "ky_monitor_update", token: "tok",
                    serverHeaders: [(name: "Authorization", value: "Bearer proxy"), (name: "X-Api-Key", value: "k")], client: client, timeout: .seconds(5)
                )
                try await channel.send(message)
            }
            let request = try #require(server.requests.first)
            #expect(request.headers["authorization"] == "Bearer proxy")
            #expect(request.headers["x-api-key"] == "k")
            #expect(request.headers["x-kymon-token"] == "tok")
        }
    }

    @Test("bridge: a missing bridge says how to install it; a refused token says so")
    func bridgeErrors() async throws {
        try await FakeComfyUI.with(routes: [:]) { server in
            try await HTTPClient.withHTTPClient { client in
                let channel = BridgeChannel(server: try ServerURL(server.baseURL), eventName: "ky_monitor_update", token: nil, client: client, timeout: .seconds(5))
                await #expect { try await channel.send(message) } throws: { error in
                    let error = error as? ChannelError
                    return error?.isRetriable == false && error?.reason.contains("custom_nodes") == true
                }
                server.setRoute("/kymon/emit", .json(#"{"error": "missing or wrong bearer token"}"#, status: 401))
                await #expect { try await channel.send(message) } throws: { ($0 as? ChannelError)?.reason.contains("refused the token") == true }
            }
        }
    }
}
