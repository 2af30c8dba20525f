/// How a server is watched; one per server.
public struct WatchSettings: Sendable {
    /// Poll `/queue` and history this often while the socket is down.
    public var pollInterval: Duration
    /// The history window read at start-up and after a reconnect.
    public var historyMaxItems: Int
    /// The smaller window read while polling, to catch prompts that ran between two polls.
    public var pollHistoryItems: Int
    /// Progress events per prompt per second (0: no limit).
    public var progressEventsPerSecond: Double
    /// Wait after a `status` message before re-reading `/queue`, so bursts cost one request.
    public var queueDebounce: Duration = .milliseconds(200)
    /// Re-read `/queue` this often even when the socket is quiet (a safety net).
    public var quietRefreshInterval: Duration = .seconds(60)
    /// Reconnect backoff: first delay and cap (with full jitter).
    public var reconnectBackoff: (first: Duration, cap: Duration) = (.milliseconds(500), .seconds(30))
    /// Retry delays for `/history/{id}` after a prompt ends (ComfyUI writes it just after).
    public var confirmationDelays: [Duration] = [.milliseconds(50), .milliseconds(150), .milliseconds(300), .milliseconds(600), .seconds(1), .seconds(2)]
    /// How long to wait for the socket at start-up before reading over HTTP without it.
    public var socketGrace: Duration = .seconds(2)
    /// How often timers are checked (debounce and history retries round up to it); socket
    /// messages are handled as they come, not on ticks.
    public var tick: Duration = .milliseconds(250)
    /// How often timers are checked while the socket is up and nothing is in flight (no prompt,
    /// read, retry or held progress); then only the quiet refresh can come due.
    public var idleTick: Duration = .seconds(1)

    public init(pollInterval: Duration, historyMaxItems: Int, pollHistoryItems: Int = 20, progressEventsPerSecond: Double = 2) {
        self.pollInterval = pollInterval
        self.historyMaxItems = historyMaxItems
        self.pollHistoryItems = min(pollHistoryItems, historyMaxItems)
        self.progressEventsPerSecond = progressEventsPerSecond
    }
}
