import KyChannels
import Synchronization

/// A channel that can be taken down and brought back while messages flow; it refuses, for good,
/// any message whose body contains `poison`.
final class SwitchableChannel: Channel {
    let name: String
    private let state = Mutex<(isUp: Bool, received: [ChannelMessage], attempts: Int)>((true, [], 0))

    init(name: String, isUp: Bool = true) {
        self.name = name
        state.withLock { $0.isUp = isUp }
    }

    var received: [ChannelMessage] { state.withLock { $0.received } }
    var attempts: Int { state.withLock { $0.attempts } }

    func setUp(_ isUp: Bool) {
        state.withLock { $0.isUp = isUp }
    }

    func send(_ message: ChannelMessage) async throws {
        let isUp = state.withLock { value -> Bool in
            value.attempts += 1
            return value.isUp
        }
        guard isUp else { throw ChannelError(channel: name, reason: "connection refused", isRetriable: true) }
        if String(decoding: message.body, as: UTF8.self).contains("poison") {
            throw ChannelError(channel: name, reason: "message refused", isRetriable: false)
        }
        state.withLock { $0.received.append(message) }
    }

    func shutdown() async {}
}

/// Polls `condition` every 10 ms until it holds or `limit` passes; returns whether it held.
func eventually(within limit: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

/// A numbered message, `{"n":N}`.
func numbered(_ n: Int, _ extra: String = "") -> ChannelMessage {
    ChannelMessage(body: Array(#"{"n":\#(n)\#(extra)}"#.utf8), tag: "event")
}

/// The numbers of `numbered` messages, in order.
func numbers(_ messages: [ChannelMessage]) -> [Int] {
    messages.compactMap { message in
        let text = String(decoding: message.body, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return Int(text[text.index(after: colon)...].prefix { $0.isNumber })
    }
}
