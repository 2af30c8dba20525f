import Foundation
import KyQuery
import KyTestSupport
import Logging
import Testing

@testable import KyWatch

/// Watching an `https://` server: the socket is `wss://`, checked like the HTTP reads.
@Suite("Watching over TLS", .timeLimit(.minutes(1)))
struct WatchTLSTests {
    private static let status = #"{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}"#
    private static let queued = #"{"queue_running": [], "queue_pending": [[3, "T", {"1": {"class_type": "EmptyImage", "inputs": {}}}, {"create_time": 1795973000000}, ["1"]]]}"#

    private func server(_ certificates: TestCertificates) async throws -> FakeComfyUI {
        try await FakeComfyUI.start(
            routes: [
                "/queue": .json(#"{"queue_running": [], "queue_pending": []}"#),
                "/history?max_items=100": .json("{}"),
                "/history?max_items=20": .json("{}"),
            ],
            tls: try certificates.serverConfiguration()
        )
    }

    /// `UpstreamTLS` trusting the test CA through a `ca_file`.
    private func trusting(_ certificates: TestCertificates) throws -> UpstreamTLS {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-ca-\(UUID().uuidString).pem")
        try Data(certificates.authorityPEM.utf8).write(to: url)
        return try UpstreamTLS(caFile: url.path, insecure: false)
    }

    @Test("events arrive over wss://; the headers and basic auth reach the upgrade and every HTTP read")
    func eventsOverWSS() async throws {
        let certificates = try TestCertificates.make()
        let server = try await server(certificates)
        let harness = WatchHarness(server: server)
        let url = server.baseURL.replacingOccurrences(of: "://", with: "://admin:s%40cret@")
        let watcher = try harness.makeWatcher(url: url, headers: [(name: "X-Api-Key", value: "k-tls")], tls: try trusting(certificates))
        #expect(watcher.endpoint.displayURL == "wss://127.0.0.1:\(server.port)/ws")
        try await harness.whileWatching(watcher) {
            try await harness.waitUntil("the socket") { harness.panel?.connection == .connected }
            server.setRoute("/queue", .json(Self.queued))
            await server.sendText(Self.status)
            try await harness.waitUntil("T queued") { harness.kinds(of: "T") == [.queued] }
        }
        let upgrade = try #require(server.webSocketUpgradeHeaders.first)
        #expect(upgrade["x-api-key"] == "k-tls" && upgrade["authorization"] == "Basic YWRtaW46c0BjcmV0")
        #expect(upgrade["host"] == "127.0.0.1:\(server.port)")
        #expect(server.requests.allSatisfy { $0.headers["x-api-key"] == "k-tls" && $0.headers["authorization"] == "Basic YWRtaW46c0BjcmV0" })
        try await server.stop()
    }

    @Test("an untrusted certificate: the server is down with that reason, and the watcher keeps trying")
    func untrusted() async throws {
        let certificates = try TestCertificates.make()
        let server = try await server(certificates)
        let harness = WatchHarness(server: server)
        try await harness.whileWatching(try harness.makeWatcher()) {
            try await harness.waitUntil("server_down") { harness.events.contains { $0.kind == .serverDown } }
            let down = try #require(harness.events.first { $0.kind == .serverDown })
            #expect(down.detail?.reason?.contains("certificate not trusted") == true, "\(String(describing: down.detail))")
            if case .down(let reason)? = harness.panel?.connection {
                #expect(reason.contains("certificate not trusted"), "\(reason)")
            } else {
                Issue.record("the panel should say the server is down")
            }
            let attempts = server.connectionCount
            // Polls every 0.5 s and socket retries with backoff: a few more attempts within seconds.
            try await harness.waitUntil("more attempts") { server.connectionCount >= attempts + 3 }
        }
        #expect(server.requests.isEmpty, "nothing is sent to an untrusted server")
        try await server.stop()
    }

    @Test("the wss:// client refuses an untrusted certificate and a certificate for another host, precisely")
    func socketErrors() async throws {
        let logger = Logger(label: "test")
        let certificates = try TestCertificates.make(hostNames: ["comfy.example"], ipAddresses: [])
        let server = try await server(certificates)
        func failure(_ tls: UpstreamTLS) async -> WebSocketError? {
            let endpoint = WebSocketEndpoint(
                host: "127.0.0.1", port: server.port, requestTarget: "/ws?clientId=kymon-test", displayURL: "wss://127.0.0.1:\(server.port)/ws",
                tls: tls.configuration
            )
            do {
                try await WebSocketClient.run(endpoint, logger: logger) { _ in }
                return nil
            } catch {
                return error as? WebSocketError
            }
        }
        let untrusted = await failure(UpstreamTLS())
        guard case .tls(let detail)? = untrusted?.reason else { Issue.record("not a TLS error: \(String(describing: untrusted))"); return }
        #expect(detail.contains("certificate not trusted"))
        #expect(untrusted?.description.hasPrefix("wss://127.0.0.1:\(server.port)/ws: no TLS connection") == true)
        let mismatch = await failure(try trusting(certificates))
        #expect(mismatch?.reason == .tls("hostname mismatch: the server's certificate is not issued for this host"))
        #expect(server.webSocketUpgradeHeaders.isEmpty, "no upgrade request reaches a server that failed the check")
        try await server.stop()
    }
}
