/// Something that sends a message to the selected channels and reports, per channel, what happened:
/// the ``Dispatcher`` (one attempt cycle per channel) or ``Outboxes`` (queued per channel).
public protocol MessageDelivery: Sendable {
    /// Sends `message` to every channel; one report per channel, in route order.
    func deliver(_ message: ChannelMessage) async -> [DeliveryReport]
}

extension Dispatcher: MessageDelivery {}
