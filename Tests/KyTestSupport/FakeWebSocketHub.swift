import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The WebSocket side of `FakeComfyUI`: which sockets are open, and how the server behaves.
final class FakeWebSocketHub: Sendable {
    private struct Socket {
        let channel: any Channel
        let clientID: String
    }

    private struct State {
        var open: [Socket] = []
        var accepted = 0
        var upgradeHeaders: [[String: String]] = []
        var pongs = 0
        var silent = false
        var refused = false
        var handshakeHangs = false
        var greeting: @Sendable (String) -> [String] = FakeComfyUI.comfyUIGreeting
    }

    private let state = NIOLockedValueBox(State())

    /// The HTTP pipeline's upgrade to WebSocket on `/ws`; removes the handler named `httpHandlerName` on success.
    func upgradeConfiguration(replacing httpHandlerName: String) -> NIOHTTPServerUpgradeSendableConfiguration {
        let upgrader = NIOWebSocketServerUpgrader(
            shouldUpgrade: { channel, head in self.shouldUpgrade(channel, head) },
            upgradePipelineHandler: { channel, head in
                channel.eventLoop.makeCompletedFuture {
                    let handler = FakeWebSocketHandler(hub: self, clientID: Self.clientID(in: head.uri))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        )
        return (upgraders: [upgrader], completionHandler: { context in
            context.pipeline.syncOperations.removeHandler(name: httpHandlerName, promise: nil)
        })
    }

    /// Accepts upgrades to `/ws` unless refused (then the route handler answers 404); holds them when hanging.
    private func shouldUpgrade(_ channel: any Channel, _ head: HTTPRequestHead) -> EventLoopFuture<HTTPHeaders?> {
        guard Self.path(of: head.uri) == "/ws" else { return channel.eventLoop.makeSucceededFuture(nil) }
        var headers: [String: String] = [:]
        for (name, value) in head.headers { headers[name.lowercased()] = value }
        let (refused, hangs) = state.withLockedValue { state in
            state.upgradeHeaders.append(headers)
            return (state.refused, state.handshakeHangs)
        }
        if refused { return channel.eventLoop.makeSucceededFuture(nil) }
        // Never answers: the request stays unanswered until the client gives up.
        if hangs { return channel.closeFuture.map { nil } }
        return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
    }

    /// Registers a socket that just opened; returns the greeting to send, none when silent.
    func opened(_ channel: any Channel, clientID: String) -> [String] {
        state.withLockedValue { state in
            state.open.append(Socket(channel: channel, clientID: clientID))
            state.accepted += 1
            return state.silent ? [] : state.greeting(clientID)
        }
    }

    /// Counts a pong from a client.
    func ponged() {
        state.withLockedValue { $0.pongs += 1 }
    }

    /// Forgets a socket whose connection closed.
    func closed(_ channel: any Channel) {
        state.withLockedValue { state in state.open.removeAll { $0.channel === channel } }
    }

    /// The open sockets' channels, those whose client ID starts with `prefix` when given.
    func channels(clientIDPrefix prefix: String? = nil) -> [any Channel] {
        state.withLockedValue { state in
            state.open.filter { prefix.map($0.clientID.hasPrefix) ?? true }.map(\.channel)
        }
    }

    var clientIDs: [String] { state.withLockedValue { $0.open.map(\.clientID) } }
    var connectionCount: Int { state.withLockedValue { $0.accepted } }
    var upgradeHeaders: [[String: String]] { state.withLockedValue { $0.upgradeHeaders } }
    var pongCount: Int { state.withLockedValue { $0.pongs } }

    var isSilent: Bool {
        get { state.withLockedValue { $0.silent } }
        set { state.withLockedValue { $0.silent = newValue } }
    }

    var isRefused: Bool {
        get { state.withLockedValue { $0.refused } }
        set { state.withLockedValue { $0.refused = newValue } }
    }

    var handshakeHangs: Bool {
        get { state.withLockedValue { $0.handshakeHangs } }
        set { state.withLockedValue { $0.handshakeHangs = newValue } }
    }

    var greeting: @Sendable (String) -> [String] {
        get { state.withLockedValue { $0.greeting } }
        set { state.withLockedValue { $0.greeting = newValue } }
    }

    /// The path of a request target, without its query.
    private static func path(of target: String) -> Substring {
        target.prefix { $0 != "?" }
    }

    /// The `clientId` query value of a request target, empty when there is none.
    static func clientID(in target: String) -> String {
        guard let query = target.split(separator: "?", maxSplits: 1).dropFirst().first else { return "" }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.first == "clientId" { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return ""
    }
}
