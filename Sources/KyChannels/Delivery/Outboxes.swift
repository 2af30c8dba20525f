import Logging

/// One ``Outbox`` per channel, for the long-running commands (`watch`, `publish --interval`): each
/// channel gets every message in order through its own queue, at its own pace.
public struct Outboxes: Sendable {
    public let outboxes: [Outbox]

    /// An outbox of `capacity` messages for each of the dispatcher's routes.
    public init(dispatcher: Dispatcher, capacity: Int, maximumPause: Duration = .seconds(30), logger: Logger) {
        outboxes = dispatcher.routes.map { Outbox(route: $0, capacity: capacity, maximumPause: maximumPause, logger: logger) }
    }

    /// Delivers until every outbox is closed and empty, or until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for outbox in outboxes { group.addTask { await outbox.run() } }
        }
    }

    /// Queues `message` for every channel.
    public func post(_ message: ChannelMessage) async {
        for outbox in outboxes { await outbox.post(message) }
    }

    /// Takes no more messages; ``run()`` returns once every queue is empty.
    public func close() async {
        for outbox in outboxes { await outbox.close() }
    }

    /// Each channel's counts, in route order.
    public func statistics() async -> [(channel: String, counts: Outbox.Statistics)] {
        var result: [(channel: String, counts: Outbox.Statistics)] = []
        for outbox in outboxes { result.append((outbox.channelName, await outbox.statistics)) }
        return result
    }

    /// Logs what each channel delivered and what it did not (waiting at the end, dropped, refused).
    public func logSummary(_ logger: Logger) async {
        for (channel, counts) in await statistics() {
            let lost = counts.waiting + counts.dropped + counts.rejected
            let summary = "channel \(channel): \(counts.delivered) delivered, \(counts.waiting) not sent, \(counts.dropped) dropped (outbox full), \(counts.rejected) refused"
            if lost > 0 { logger.warning("\(summary)") } else { logger.info("\(summary)") }
        }
    }
}

extension Outboxes: MessageDelivery {
    /// Queues `message` for every channel and waits for each one's first outcome; a channel that is
    /// down reports its failure while the message stays queued for it.
    public func deliver(_ message: ChannelMessage) async -> [DeliveryReport] {
        let outboxes = self.outboxes
        return await reportsInOrder(count: outboxes.count) { await outboxes[$0].postAndWait(message) }
    }
}
