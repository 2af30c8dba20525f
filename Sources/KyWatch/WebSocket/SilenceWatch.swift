import NIOConcurrencyHelpers

/// How long the reader has been waiting for a frame; time spent handling a frame does not count.
final class SilenceWatch: Sendable {
    private let waitingSince = NIOLockedValueBox<ContinuousClock.Instant?>(nil)

    /// The reader starts waiting for the next frame.
    func waiting() {
        waitingSince.withLockedValue { $0 = .now }
    }

    /// The reader got a frame and handles it.
    func busy() {
        waitingSince.withLockedValue { $0 = nil }
    }

    /// The current wait, zero while a frame is being handled.
    var silence: Duration {
        waitingSince.withLockedValue { since in since.map { .now - $0 } ?? .zero }
    }
}
