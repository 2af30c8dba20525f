import KyTestSupport
import Logging
import Testing
@testable import KyWatch

/// `WebSocketClient` against `FakeComfyUI`'s `/ws` over loopback.
@Suite("WebSocket client", .timeLimit(.minutes(1)))
struct WebSocketClientTests {
    /// Short limits, so that failures show within a second or two; the handshake gets more, since a
    /// loaded machine (parallel suites, builds) can take over a second to answer one.
    private static let quick = WebSocketConfiguration(
        connectTimeout: .seconds(5), handshakeTimeout: .seconds(5), pingInterval: .milliseconds(200),
        silenceTimeout: .seconds(1), maximumMessageBytes: 1024
    )

    private func endpoint(_ server: FakeComfyUI, clientID: String = "kymon-test", headers: [(name: String, value: String)] = []) -> WebSocketEndpoint {
        endpoint(port: server.port, clientID: clientID, headers: headers)
    }

    private func endpoint(port: Int, clientID: String = "kymon-test", headers: [(name: String, value: String)] = []) -> WebSocketEndpoint {
        WebSocketEndpoint(
            host: "127.0.0.1", port: port, requestTarget: "/ws?clientId=\(clientID)", headers: headers,
            displayURL: "ws://127.0.0.1:\(port)/ws"
        )
    }

    /// Runs the client in a child task while `body` reads its text messages; returns how the client ended
    /// and how long it ran.
    private func session(
        _ endpoint: WebSocketEndpoint,
        configuration: WebSocketConfiguration = quick,
        _ body: (inout AsyncStream<String>.Iterator) async throws -> Void = { _ in }
    ) async throws -> (outcome: Result<Void, any Error>, elapsed: Duration) {
        let (messages, sink) = AsyncStream.makeStream(of: String.self)
        let clock = ContinuousClock()
        let start = clock.now
        return try await withThrowingTaskGroup(of: Result<Void, any Error>.self) { group in
            group.addTask {
                defer { sink.finish() }
                return await Result {
                    try await WebSocketClient.run(endpoint, configuration: configuration, logger: Logger(label: "test")) { bytes in
                        sink.yield(String(decoding: bytes, as: UTF8.self))
                    }
                }
            }
            var iterator = messages.makeAsyncIterator()
            try await body(&iterator)
            let outcome = try await group.next() ?? .success(())
            return (outcome, clock.now - start)
        }
    }

    private func reason(_ outcome: Result<Void, any Error>) -> WebSocketError.Reason? {
        guard case .failure(let error as WebSocketError) = outcome else { return nil }
        return error.reason
    }

    @Test("receives the greeting and then every message in order, whole, until the server closes")
    func receivesInOrder() async throws {
        try await FakeComfyUI.with(routes: [:]) { server in
            let (outcome, _) = try await session(endpoint(server)) { messages in
                #expect(await messages.next() == #"{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": "kymon-test"}}"#)
                await server.sendText("one")
                await server.sendText("two")
                await server.sendText(String(repeating: "é3", count: 300), fragmentSize: 100)
                #expect(await messages.next() == "one")
                #expect(await messages.next() == "two")
                #expect(await messages.next() == String(repeating: "é3", count: 300))
                await server.closeWebSockets()
                #expect(await messages.next() == nil)
            }
            #expect(throws: Never.self) { try outcome.get() }
        }
    }

    @Test("the upgrade carries the client ID, the Host header and the caller's headers")
    func upgradeRequest() async throws {
        try await FakeComfyUI.with(routes: [:]) { server in
            let headers = [(name: "Authorization", value: "Bearer s3cret"), (name: "X-Trace", value: "1")]
            server.greeting = { ["hello \($0)", "second"] }
            _ = try await session(endpoint(server, clientID: "kymon-abc", headers: headers)) { messages in
                #expect(await messages.next() == "hello kymon-abc")
                #expect(await messages.next() == "second")
                #expect(server.webSocketClientIDs == ["kymon-abc"])
                await server.closeWebSockets()
            }
            #expect(server.webSocketClientIDs.isEmpty)
            #expect(server.webSocketConnectionCount == 1)
            let upgrade = try #require(server.webSocketUpgradeHeaders.first)
            #expect(upgrade["host"] == "127.0.0.1:\(server.port)")
            #expect(upgrade["authorization"] == "Bearer s3cret")
            #expect(upgrade["x-trace"] == "1")
            #expect(upgrade["upgrade"] == "websocket")
            #expect(server.requests.isEmpty)
        }
    }

    @Test("binary messages are skipped and the server's pings answered")
    func binaryAndPings() async throws {
        try await FakeComfyUI.with(routes: [:]) { server in
            let (outcome, _) = try await session(endpoint(server)) { messages in
                _ = await messages.next()
                await server.sendBinary([0, 0, 0, 1, 0xFF, 0xD8])
                await server.sendPing()
                await server.sendText("after")
                #expect(await messages.next() == "after")
                try await eventually { server.webSocketPongCount == 1 }
                await server.closeWebSockets()
            }
            #expect(throws: Never.self) { try outcome.get() }
        }
    }

    @Test("a message over the limit ends the connection, whole or in fragments", arguments: [nil, 400] as [Int?])
    func messageTooLarge(fragmentSize: Int?) async throws {
        try await FakeComfyUI.with(routes: [:]) { server in
            let (outcome, _) = try await session(endpoint(server)) { messages in
                _ = await messages.next()
                await server.sendText(String(repeating: "x", count: 1600), fragmentSize: fragmentSize)
                #expect(await messages.next() == nil)
            }
            #expect(reason(outcome) == .messageTooLarge(limit: 1024))
        }
    }

    @Test("a server that sends nothing, not even pongs, is reported after the silence timeout")
    func silentServer() async throws {
        try await FakeComfyUI.with(routes: [:]) { server in
            server.setWebSocketsSilent(true)
            let (outcome, elapsed) = try await session(endpoint(server))
            #expect(reason(outcome) == .silent(seconds: 1))
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(10))
            #expect(String(describing: try #require(outcome.failure)) == "ws://127.0.0.1:\(server.port)/ws: no frame for 1 s (a silent socket)")
        }
    }

    @Test("pongs keep a quiet socket alive; pings are masked, or the server would close")
    func pongsKeepAlive() async throws {
        // A 3 s silence limit, not 1 s: CPU-bound tests beside this one once held the pinger back
        // for over a second in a full run. The socket must still outlive the limit 2.5 times over.
        var configuration = Self.quick
        configuration.silenceTimeout = .seconds(3)
        try await FakeComfyUI.with(routes: [:]) { server in
            let (outcome, _) = try await session(endpoint(server), configuration: configuration) { messages in
                _ = await messages.next()
                try await Task.sleep(for: .milliseconds(7500))
                #expect(server.webSocketClientIDs == ["kymon-test"])
                await server.closeWebSockets()
            }
            #expect(throws: Never.self) { try outcome.get() }
        }
    }

    @Test("a dropped connection fails at once, long before the silence timeout")
    func droppedSocket() async throws {
        var configuration = Self.quick
        configuration.silenceTimeout = .seconds(30)
        try await FakeComfyUI.with(routes: [:]) { server in
            let (outcome, elapsed) = try await session(endpoint(server), configuration: configuration) { messages in
                _ = await messages.next()
                await server.dropWebSockets()
            }
            #expect(reason(outcome) == .closedAbruptly)
            #expect(elapsed < .seconds(5))
        }
    }

    @Test("a refused upgrade reports the HTTP status")
    func refusedUpgrade() async throws {
        try await FakeComfyUI.with(routes: [:]) { server in
            server.setWebSocketRefused(true)
            let (outcome, _) = try await session(endpoint(server))
            #expect(reason(outcome) == .handshakeRejected(status: 404))
            #expect(server.requests.map(\.target) == ["/ws?clientId=kymon-test"])
            #expect(server.webSocketConnectionCount == 0)
        }
    }

    @Test("a closed port fails fast, in the system's words")
    func unreachable() async throws {
        try await RefusingPort.withURL { url in
            let port = try #require(url.split(separator: ":").last.flatMap { Int($0) })
            var configuration = Self.quick
            configuration.connectTimeout = .seconds(30)
            let (outcome, elapsed) = try await session(endpoint(port: port), configuration: configuration)
            #expect(reason(outcome) == .unreachable("connection refused"))
            // Far below the 30 s connect timeout, with room for a loaded machine.
            #expect(elapsed < .seconds(10))
        }
    }

    @Test("an upgrade that is never answered times out")
    func hungHandshake() async throws {
        try await FakeComfyUI.with(routes: [:]) { server in
            server.setWebSocketHandshakeHangs(true)
            var configuration = Self.quick
            configuration.handshakeTimeout = .seconds(1)
            let (outcome, elapsed) = try await session(endpoint(server), configuration: configuration)
            #expect(reason(outcome) == .timedOut(phase: .handshake, seconds: 1))
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(10))
            #expect(server.webSocketUpgradeHeaders.count == 1)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("cancelling the caller closes an open socket at once")
    func cancelOpenSocket() async throws {
        var configuration = Self.quick
        configuration.silenceTimeout = .seconds(30)
        try await FakeComfyUI.with(routes: [:]) { server in
            try await expectPromptCancellation(of: endpoint(server), configuration: configuration) {
                server.webSocketClientIDs == ["kymon-test"]
            }
            try await eventually { server.webSocketClientIDs.isEmpty }
        }
    }

    @Test("cancelling the caller during a hung handshake returns at once")
    func cancelHandshake() async throws {
        var configuration = Self.quick
        configuration.handshakeTimeout = .seconds(30)
        try await FakeComfyUI.with(routes: [:]) { server in
            server.setWebSocketHandshakeHangs(true)
            try await expectPromptCancellation(of: endpoint(server), configuration: configuration) {
                server.webSocketUpgradeHeaders.count == 1
            }
        }
    }

    /// Runs the client until `ready`, cancels it, and expects `CancellationError` well before any timeout.
    private func expectPromptCancellation(
        of endpoint: WebSocketEndpoint,
        configuration: WebSocketConfiguration,
        ready: @escaping @Sendable () -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let (outcome, elapsed) = try await withThrowingTaskGroup(of: Result<Void, any Error>.self) { group in
            group.addTask {
                await Result {
                    try await WebSocketClient.run(endpoint, configuration: configuration, logger: Logger(label: "test")) { _ in }
                }
            }
            try await eventually(ready)
            let cancelled = clock.now
            group.cancelAll()
            let outcome = try await group.next() ?? .success(())
            return (outcome, clock.now - cancelled)
        }
        #expect(outcome.failure is CancellationError)
        // The timeouts involved are 30 s; 5 s leaves room for a loaded machine.
        #expect(elapsed < .seconds(5))
    }

    /// Waits, in short steps, until `condition` holds (the test's time limit ends a wait that never does).
    private func eventually(_ condition: @Sendable () -> Bool) async throws {
        while !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test("the Host header brackets IPv6 addresses and leaves out port 80")
    func hostHeader() {
        #expect(WebSocketEndpoint(host: "::1", port: 8188, requestTarget: "/ws", displayURL: "").hostHeader == "[::1]:8188")
        #expect(WebSocketEndpoint(host: "comfy.local", port: 80, requestTarget: "/ws", displayURL: "").hostHeader == "comfy.local")
    }
}

extension Result {
    /// The error, if this is a failure.
    fileprivate var failure: Failure? {
        guard case .failure(let error) = self else { return nil }
        return error
    }
}

extension Result where Failure == any Error {
    /// The result of `body`, thrown errors caught.
    fileprivate init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
