import KyChannels
import Synchronization

/// A channel for dispatcher tests: records messages and fails or stalls on demand.
final class RecordingChannel: Channel {
    enum Behaviour: Sendable {
        case accept
        /// Fail the first `times` attempts with a retriable or final error, then accept.
        case fail(times: Int, retriable: Bool)
        /// Sleep for this long on every attempt (cancellable).
        case stall(Duration)
    }

    let name: String
    private let behaviour: Behaviour
    private let state = Mutex<(attempts: Int, received: [ChannelMessage], shutDown: Bool)>((0, [], false))

    init(name: String, behaviour: Behaviour = .accept) {
        self.name = name
        self.behaviour = behaviour
    }

    var attempts: Int { state.withLock { $0.attempts } }
    var received: [ChannelMessage] { state.withLock { $0.received } }
    var isShutDown: Bool { state.withLock { $0.shutDown } }

    func send(_ message: ChannelMessage) async throws {
        let attempt = state.withLock { value -> Int in
            value.attempts += 1
            return value.attempts
        }
        switch behaviour {
        case .accept:
            break
        case .fail(let times, let retriable):
            if attempt <= times { throw ChannelError(channel: name, reason: "attempt \(attempt) refused", isRetriable: retriable) }
        case .stall(let duration):
            try await Task.sleep(for: duration)
        }
        state.withLock { $0.received.append(message) }
    }

    func shutdown() async { state.withLock { $0.shutDown = true } }
}
