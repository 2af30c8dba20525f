/// How hard the dispatcher tries one channel: a timeout per attempt, retries, and exponential backoff.
public struct ChannelPolicy: Sendable, Equatable {
    public var timeout: Duration
    public var retries: Int
    /// Delay before the first retry; doubled for each further one.
    public var backoff: Duration

    public init(timeout: Duration = .seconds(5), retries: Int = 2, backoff: Duration = .milliseconds(200)) {
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
    }

    /// The delay before retry number `attempt` (0-based).
    func delay(beforeRetry attempt: Int) -> Duration {
        backoff * (1 << min(attempt, 10))
    }
}
