import AsyncHTTPClient
import KyTestSupport
import Logging
import Testing
@testable import KyQuery

/// `LiveSource` against bodies that never end or never stop growing: refused at the deadline or
/// the size cap, and the same source reads normally afterwards.
@Suite("Live source faults")
struct LiveFaultTests {
    private static let target = "/history?max_items=1"
    private static let good = FakeComfyUI.Response.json(#"{"a": {"prompt": [1, "a", {}, {}, []], "outputs": {}}}"#)

    private func source(_ server: FakeComfyUI, client: HTTPClient, timeout: Duration = .seconds(5), cap: Int = 256 << 20) throws -> LiveSource {
        LiveSource(server: try ServerURL(server.baseURL), historyMaxItems: 1, client: client, timeout: timeout, maximumBodyBytes: cap, logger: Logger(label: "test"))
    }

    @Test("a body that never ends times out at the deadline, then the next read works", .timeLimit(.minutes(1)))
    func endlessBody() async throws {
        try await FakeComfyUI.with(routes: [Self.target: .endlessHistory(pause: .milliseconds(10))]) { server in
            try await HTTPClient.withHTTPClient { client in
                let live = try source(server, client: client, timeout: .seconds(1))
                let start = ContinuousClock.now
                await #expect(throws: LiveSourceError(url: server.baseURL + Self.target, reason: .timedOut(seconds: 1))) {
                    try await live.fetch(Self.target)
                }
                #expect(ContinuousClock.now - start < .seconds(10))
                server.setRoute(Self.target, Self.good)
                #expect(try await live.fetch(Self.target).count == Self.good.body.count)
            }
        }
    }

    @Test("a chunked body over the cap is refused there, then the next read works")
    func growingBody() async throws {
        try await FakeComfyUI.with(routes: [Self.target: .endlessHistory()]) { server in
            try await HTTPClient.withHTTPClient { client in
                let live = try source(server, client: client, timeout: .seconds(30), cap: 4 << 20)
                await #expect(throws: LiveSourceError(url: server.baseURL + Self.target, reason: .bodyTooLarge(limit: 4 << 20))) {
                    try await live.fetch(Self.target)
                }
                server.setRoute(Self.target, .endlessHistory(bytes: 2 << 30, declaresLength: true))
                await #expect(throws: LiveSourceError(url: server.baseURL + Self.target, reason: .bodyTooLarge(limit: 4 << 20))) {
                    try await live.fetch(Self.target)
                }
                server.setRoute(Self.target, Self.good)
                #expect(try await live.fetch(Self.target).count == Self.good.body.count)
            }
        }
    }
}
