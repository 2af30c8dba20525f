/// Something that sends a message to the selected channels and reports, per channel, what happened:
/// the ``Dispatcher`` (one attempt cycle per channel) or ``Outboxes`` (queued per channel).
public protocol MessageDelivery: Sendable {
    /// Sends `message` to every channel; one report per channel, in route order.
    func deliver(_ message: ChannelMessage) async -> [DeliveryReport]
}

extension Dispatcher: MessageDelivery {}

/// Runs `report(index)` for `count` channels at once; the reports come back in channel order.
func reportsInOrder(count: Int, _ report: @escaping @Sendable (Int) async -> DeliveryReport) async -> [DeliveryReport] {
    await withTaskGroup(of: (Int, DeliveryReport).self) { group in
        for index in 0..<count {
            group.addTask { (index, await report(index)) }
        }
        var reports = [DeliveryReport?](repeating: nil, count: count)
        for await (index, delivered) in group { reports[index] = delivered }
        return reports.compactMap { $0 }
    }
}
