import Logging

/// One channel's bounded queue of messages, delivered in order by the channel's own task, so a slow
/// or broken channel never holds up another.
///
/// A message leaves the queue when the channel takes it, or when the channel refuses that message
/// itself (a final error: counted as rejected). While the channel is down (its policy's attempts all
/// failed with retriable errors) the message stays at the head and is tried again after a pause that
/// doubles from the policy's backoff up to `maximumPause`; nothing behind it is skipped. When the
/// queue is full, the oldest waiting message is dropped, counted and logged.
public actor Outbox {
    /// What the outbox has done so far.
    public struct Statistics: Sendable, Equatable {
        public var delivered = 0
        /// Refused by the channel with a final error (the message itself was unacceptable).
        public var rejected = 0
        /// Dropped, oldest first, because the queue was full.
        public var dropped = 0
        /// Still in the queue.
        public var waiting = 0

        public init(delivered: Int = 0, rejected: Int = 0, dropped: Int = 0, waiting: Int = 0) {
            self.delivered = delivered
            self.rejected = rejected
            self.dropped = dropped
            self.waiting = waiting
        }
    }

    /// The channel's name, for logs and reports.
    public nonisolated let channelName: String
    private let route: Dispatcher.Route
    private let capacity: Int
    private let maximumPause: Duration
    private let logger: Logger

    private var queue = MessageQueue()
    private var nextTicket = 1
    private var counts = Statistics()
    private var closed = false
    private var isDown = false
    /// While down: the report of the last failed round, with the reason.
    private var lastFailure: DeliveryReport?
    private var inFlight: Int?
    private var wakeUp: CheckedContinuation<Void, Never>?
    private var waiters: [Int: CheckedContinuation<DeliveryReport, Never>] = [:]

    /// `capacity` is the most messages that may wait (at least 1).
    public init(route: Dispatcher.Route, capacity: Int, maximumPause: Duration = .seconds(30), logger: Logger) {
        self.channelName = route.channel.name
        self.route = route
        self.capacity = max(1, capacity)
        self.maximumPause = maximumPause
        self.logger = logger
    }

    public var statistics: Statistics {
        var counts = self.counts
        counts.waiting = queue.count
        return counts
    }

    /// Queues `message`. After ``close()`` it is not taken and false is returned.
    @discardableResult
    public func post(_ message: ChannelMessage) -> Bool {
        enqueue(message) != nil
    }

    /// Queues `message` and waits for its first outcome: delivered, refused, dropped, or failed once
    /// under the channel's policy (then it stays queued and goes out when the channel is back).
    public func postAndWait(_ message: ChannelMessage) async -> DeliveryReport {
        guard let ticket = enqueue(message) else {
            return DeliveryReport(channel: channelName, outcome: .failed("not sent: kymon is stopping"), attempts: 0, duration: .zero)
        }
        // A channel known to be down answers at once; the message waits for it in the queue.
        if isDown, let lastFailure { return lastFailure }
        return await withCheckedContinuation { waiters[ticket] = $0 }
    }

    private func enqueue(_ message: ChannelMessage) -> Int? {
        guard !closed else { return nil }
        // The head may be on its way to the channel: it does not count, and is never the one dropped.
        let headInFlight = inFlight != nil && inFlight == queue.first?.ticket
        if queue.count - (headInFlight ? 1 : 0) >= capacity, let oldest = headInFlight ? queue.removeSecond() : queue.popFirst() {
            counts.dropped += 1
            logger.warning(
                "channel \(channelName): outbox full (\(capacity) messages); dropped the oldest waiting message",
                metadata: ["dropped": "\(counts.dropped)"]
            )
            settle(oldest.ticket, DeliveryReport(channel: channelName, outcome: .failed("dropped: the outbox was full"), attempts: 0, duration: .zero))
        }
        let ticket = nextTicket
        nextTicket += 1
        queue.append((ticket, message))
        wake()
        return ticket
    }

    /// Takes no more messages; ``run()`` returns once the queue is empty.
    public func close() {
        closed = true
        wake()
    }

    /// Delivers queued messages in order until closed and empty, or until cancelled.
    public func run() async {
        var failedRounds = 0
        while !Task.isCancelled {
            guard let (ticket, message) = queue.first else {
                if closed { break }
                await waitForMessages()
                continue
            }
            inFlight = ticket
            let report = await Dispatcher.deliver(message, via: route, logger: logger)
            inFlight = nil
            if Task.isCancelled { break }
            if report.isDelivered || !report.isRetriable {
                removeHead(ticket)
                if report.isDelivered { counts.delivered += 1 } else { counts.rejected += 1 }
                if report.isDelivered, isDown {
                    isDown = false
                    lastFailure = nil
                    failedRounds = 0
                    logger.warning("channel \(channelName) is back; \(queue.count) more waiting messages to send")
                } else if !report.isDelivered {
                    logger.warning("channel \(channelName) refused a message; it will not be retried: \(reason(of: report))")
                }
                settle(ticket, report)
                continue
            }
            lastFailure = report
            if !isDown {
                isDown = true
                logger.warning("channel \(channelName) is down (\(reason(of: report))); \(queue.count) messages wait in its outbox")
            }
            // Everyone waiting on this channel hears that it is down; the messages stay queued.
            if !waiters.isEmpty { for (waiting, _) in queue.entries { settle(waiting, report) } }
            let pause = min(maximumPause, route.policy.backoff * (1 << min(failedRounds + 1, 16)))
            failedRounds += 1
            try? await Task.sleep(for: pause)
        }
        closed = true
        let stopped = DeliveryReport(channel: channelName, outcome: .failed("not sent: kymon is stopping"), attempts: 0, duration: .zero, isRetriable: true)
        for (_, waiter) in waiters { waiter.resume(returning: stopped) }
        waiters.removeAll()
    }

    private func removeHead(_ ticket: Int) {
        if queue.first?.ticket == ticket { _ = queue.popFirst() }
    }

    private func waitForMessages() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if !queue.isEmpty || closed || Task.isCancelled { continuation.resume() } else { wakeUp = continuation }
            }
        } onCancel: {
            // The handler runs outside the actor and cannot touch `wakeUp`; this short task hops onto
            // the actor to resume the parked loop, which then sees the cancellation and returns.
            Task { await self.wake() }
        }
    }

    /// Resumes the delivery loop if it is waiting for messages.
    private func wake() {
        wakeUp?.resume()
        wakeUp = nil
    }

    private func settle(_ ticket: Int, _ report: DeliveryReport) {
        waiters.removeValue(forKey: ticket)?.resume(returning: report)
    }

    private func reason(of report: DeliveryReport) -> String {
        if case .failed(let reason) = report.outcome { return reason }
        return "delivered"
    }
}
