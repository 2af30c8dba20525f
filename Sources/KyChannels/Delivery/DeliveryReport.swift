/// What happened to one message on one channel.
public struct DeliveryReport: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case delivered
        /// The last attempt's reason, safe to print.
        case failed(String)
    }

    public var channel: String
    public var outcome: Outcome
    public var attempts: Int
    public var duration: Duration
    /// For a failure: true when the channel may take the message later (it was down or slow), false
    /// when it refused the message itself.
    public var isRetriable: Bool

    public init(channel: String, outcome: Outcome, attempts: Int, duration: Duration, isRetriable: Bool = false) {
        self.channel = channel
        self.outcome = outcome
        self.attempts = attempts
        self.duration = duration
        self.isRetriable = isRetriable
    }

    public var isDelivered: Bool { outcome == .delivered }

    /// `channel NAME failed after N attempt(s): reason`, or nil when delivered.
    public var failureSummary: String? {
        guard case .failed(let reason) = outcome else { return nil }
        return "channel \(channel) failed after \(attempts) attempt(s): \(reason)"
    }
}
