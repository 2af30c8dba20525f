import AsyncHTTPClient
import Foundation
import KyQuery
import KyTestSupport
import Logging
import NIOConcurrencyHelpers

@testable import KyWatch

/// Runs a `ServerWatcher` against a fake server with test-speed timings and records its output.
final class WatchHarness: Sendable {
    let server: FakeComfyUI
    private let recorded = NIOLockedValueBox<(events: [WatchEvent], panel: ServerPanel?)>(([], nil))

    init(server: FakeComfyUI) {
        self.server = server
    }

    var events: [WatchEvent] { recorded.withLockedValue { $0.events } }
    var panel: ServerPanel? { recorded.withLockedValue { $0.panel } }

    /// Events about `id`, by kind.
    func kinds(of id: String) -> [WatchEvent.Kind] { events.filter { $0.info?.id == id }.map(\.kind) }

    /// Timings short enough for tests: ticks of 20 ms, a 1 s silent-socket limit, polls every 0.5 s.
    static func settings() -> WatchSettings {
        var settings = WatchSettings(pollInterval: .milliseconds(500), historyMaxItems: 100, progressEventsPerSecond: 0)
        settings.tick = .milliseconds(20)
        settings.queueDebounce = .milliseconds(20)
        settings.socketGrace = .milliseconds(500)
        settings.reconnectBackoff = (.milliseconds(50), .milliseconds(400))
        settings.confirmationDelays = [.milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800)]
        return settings
    }

    /// A watcher of the fake server, or of `url` (the server's with credentials, say);
    /// `httpTimeout` bounds each HTTP read.
    func makeWatcher(
        settings: WatchSettings = WatchHarness.settings(), url: String? = nil, headers: [(name: String, value: String)] = [], bridgeToken: String? = nil,
        tls: UpstreamTLS = UpstreamTLS(), httpTimeout: Duration = .seconds(5)
    ) throws -> ServerWatcher {
        var logger = Logger(label: "kymon-test")
        logger.logLevel = .critical
        let source = LiveSource(
            server: try ServerURL(url ?? server.baseURL), historyMaxItems: settings.historyMaxItems, client: .shared, timeout: httpTimeout, headers: headers,
            bridgeToken: bridgeToken, tls: tls, logger: logger
        )
        var socket = WebSocketConfiguration()
        socket.pingInterval = .milliseconds(250)
        socket.silenceTimeout = .seconds(1)
        socket.connectTimeout = .seconds(2)
        socket.handshakeTimeout = .seconds(2)
        return ServerWatcher(
            source: source, settings: settings, options: DecodeOptions(), headers: headers, clientID: "kymon-test-\(UUID().uuidString.prefix(8))",
            socketConfiguration: socket, logger: logger
        ) { [recorded] update in
            recorded.withLockedValue { state in
                switch update {
                case .events(let events): state.events += events
                case .panel(let panel): state.panel = panel
                }
            }
        }
    }

    /// Runs `body` while a watcher runs, then stops the watcher.
    func whileWatching<Result: Sendable>(_ watcher: ServerWatcher, _ body: () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await watcher.run()
                return nil
            }
            let result = try await body()
            group.cancelAll()
            while try await group.next() != nil {}
            return result
        }
    }

    /// Waits until `condition` holds, checking every 20 ms; fails after `timeout`. The default only
    /// guards against a hang: while the whole suite starts, a loaded machine can hold a watcher back
    /// for many seconds, and that says nothing about the watcher.
    func waitUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !condition() {
            guard clock.now < deadline else { throw HarnessTimeout(what: what, events: events.map { "\($0.kind.rawValue) \($0.info?.id.prefix(8) ?? "")" }) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// A condition a test waited for did not come true.
struct HarnessTimeout: Error, CustomStringConvertible {
    var what: String
    var events: [String]
    var description: String { "timed out waiting for \(what); events so far: \(events)" }
}
