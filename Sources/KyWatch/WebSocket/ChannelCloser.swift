import NIOConcurrencyHelpers
import NIOCore

/// Closes a connection's channel from another task (on cancellation or a timeout) and remembers why.
///
/// A channel attached after the closer closed is refused, so a connection still being set up cannot escape.
final class ChannelCloser: Sendable {
    /// Why the channel was closed.
    enum Cause: Sendable, Equatable {
        case cancelled
        case handshakeTimedOut
    }

    private struct State {
        var channels: [any Channel] = []
        var cause: Cause?
    }

    private let state = NIOLockedValueBox(State())

    /// The first reason given to `close`, if any.
    var cause: Cause? { state.withLockedValue { $0.cause } }

    /// Takes charge of a channel being connected; throws `CancellationError` once closed.
    func attach(_ channel: any Channel) throws {
        try state.withLockedValue { state in
            guard state.cause == nil else { throw CancellationError() }
            state.channels.append(channel)
        }
    }

    /// Closes every attached channel; the first call's cause is kept.
    func close(_ cause: Cause) {
        let channels = state.withLockedValue { state in
            if state.cause == nil { state.cause = cause }
            return state.channels
        }
        for channel in channels { channel.close(promise: nil) }
    }
}
