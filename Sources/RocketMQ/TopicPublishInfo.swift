/// The writable queues of the producer's topic, with when and how they were learned.
struct TopicPublishInfo: Sendable {
    /// Where to send, in round-robin order.
    var queues: [MessageQueue]
    /// The topic was unknown, so the queues come from the auto-create template TBW102.
    var usesDefaultTopic: Bool
    /// When the route was fetched.
    var fetchedAt: ContinuousClock.Instant
    /// Set after a failure, or after the first send that auto-created the topic.
    var needsRefresh = false

    /// Whether the route should be fetched again before use.
    func isStale(now: ContinuousClock.Instant, refreshInterval: Duration) -> Bool {
        needsRefresh || now - fetchedAt >= refreshInterval
    }
}
