import Foundation
import AsyncHTTPClient
import KyTestSupport
import Logging
import Testing
@testable import KyQuery

/// `LiveSource` against an in-process server that serves captured ComfyUI bytes over real HTTP.
@Suite("Live source over HTTP")
struct LiveSourceTests {
    private func source(_ server: FakeComfyUI, client: HTTPClient, maxItems: Int = 100, maximumBodyBytes: Int = 256 << 20) throws -> LiveSource {
        LiveSource(
            server: try ServerURL(server.baseURL), historyMaxItems: maxItems, client: client,
            timeout: .seconds(5), maximumBodyBytes: maximumBodyBytes, logger: Logger(label: "test")
        )
    }

    private func capture(_ scenario: String, _ file: String, status: Int = 200) throws -> FakeComfyUI.Response {
        FakeComfyUI.Response(status: status, body: try Captures.bytes(scenario, file))
    }

    @Test("reads /queue and /history?max_items=N without an Origin header")
    func readsQueueAndHistory() async throws {
        let routes = [
            "/queue": try capture("s02-slow-progress", "06-queue-1-running-2-pending.json"),
            "/history?max_items=2": try capture("s09-final-snapshots", "02-history-max-items-2.json"),
        ]
        try await FakeComfyUI.with(routes: routes) { server in
            try await HTTPClient.withHTTPClient { client in
                let snapshot = try await source(server, client: client, maxItems: 2).snapshot(options: DecodeOptions())
                #expect(snapshot.queue == QueueCounts(running: 1, pending: 2))
                #expect(snapshot.items.count == 5)
                #expect(snapshot.source == server.baseURL)
                #expect(snapshot.items.filter { $0.kind == .history }.count == 2)
            }
            #expect(Set(server.requests.map(\.target)) == ["/queue", "/history?max_items=2", "/kymon/state"])
            #expect(server.requests.allSatisfy { $0.headers["origin"] == nil })
            #expect(server.requests.allSatisfy { $0.headers["authorization"] == nil })
        }
    }

    @Test("credentials in the URL are sent as basic auth, never in the URL")
    func basicAuthentication() async throws {
        try await FakeComfyUI.with(routes: ["/queue": .json(#"{"queue_running": [], "queue_pending": []}"#)]) { server in
            try await HTTPClient.withHTTPClient { client in
                let url = try ServerURL(server.baseURL.replacingOccurrences(of: "://", with: "://admin:s%40cret@"))
                let live = LiveSource(server: url, historyMaxItems: 1, client: client, timeout: .seconds(5), logger: Logger(label: "t"))
                _ = try await live.fetch("/queue")
            }
            #expect(server.requests.first?.headers["authorization"] == "Basic YWRtaW46c0BjcmV0")
            #expect(server.requests.first?.target == "/queue")
        }
    }

    @Test("a closed port is unreachable, with the URL in the message")
    func unreachable() async throws {
        try await RefusingPort.withURL { url in
            try await HTTPClient.withHTTPClient { client in
                let live = LiveSource(server: try ServerURL(url), historyMaxItems: 1, client: client, timeout: .seconds(5), logger: Logger(label: "t"))
                await #expect {
                    try await live.fetch("/queue")
                } throws: { error in
                    guard let error = error as? LiveSourceError, case .unreachable = error.reason else { return false }
                    return error.description.contains("\(url)/queue")
                }
            }
        }
    }

    @Test("HTTP errors, HTML bodies and oversized bodies are reported precisely")
    func badAnswers() async throws {
        let routes: [String: FakeComfyUI.Response] = [
            "/queue": .json("{}", status: 500),
            "/history?max_items=100": FakeComfyUI.Response(contentType: "text/html", body: Array("<html>oops</html>".utf8)),
        ]
        try await FakeComfyUI.with(routes: routes) { server in
            try await HTTPClient.withHTTPClient { client in
                let live = try source(server, client: client)
                await #expect(throws: LiveSourceError(url: "\(server.baseURL)/queue", reason: .httpStatus(500))) {
                    try await live.fetch("/queue")
                }
                await #expect {
                    var assembler = SnapshotAssembler()
                    try await live.read(into: &assembler, options: DecodeOptions())
                } throws: { error in
                    (error as? LiveSourceError)?.reason == .httpStatus(500)
                }
                server.setRoute("/queue", .json(#"{"queue_running": [], "queue_pending": []}"#))
                await #expect {
                    var assembler = SnapshotAssembler()
                    try await live.read(into: &assembler, options: DecodeOptions())
                } throws: { error in
                    guard let error = error as? JSONSyntaxError else { return false }
                    return error.document == "\(server.baseURL)/history?max_items=100" && error.line == 1 && error.column == 1
                }
                let small = try source(server, client: client, maximumBodyBytes: 10)
                await #expect(throws: LiveSourceError(url: "\(server.baseURL)/history?max_items=100", reason: .bodyTooLarge(limit: 10))) {
                    try await small.fetch("/history?max_items=100")
                }
            }
        }
    }
}

@Suite("Server URLs")
struct ServerURLTests {
    @Test("credentials are kept for requests but never shown")
    func redaction() throws {
        let url = try ServerURL("http://admin:pw@gpu:8188/")
        #expect(url.rawValue == "http://admin:pw@gpu:8188")
        #expect(url.redacted == "http://gpu:8188")
        #expect(url.appending("/queue") == "http://gpu:8188/queue")
        #expect(url.basicAuthorization == "Basic YWRtaW46cHc=")
        #expect(try ServerURL("http://a%40b:p%3Aw@gpu").basicAuthorization == "Basic YUBiOnA6dw==")
        #expect(try ServerURL("http://gpu").basicAuthorization == nil)
    }

    @Test("bad URLs are refused with a reason", arguments: ["gpu:8188", "ftp://x", "http://", "http://x:99999", "http://x/?a=1", "http://user:pw@"])
    func refusals(text: String) {
        #expect(throws: ServerURLError.self) { try ServerURL(text) }
    }

    @Test("errors do not echo credentials")
    func errorsRedact() {
        #expect {
            try ServerURL("http://admin:pw@:99")
        } throws: { error in
            !String(describing: error).contains("pw")
        }
    }
}
