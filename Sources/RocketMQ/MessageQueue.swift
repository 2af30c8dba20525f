/// One writable queue of a topic on a master broker.
public struct MessageQueue: Sendable, Hashable, CustomStringConvertible {
    /// The broker group name.
    public var brokerName: String
    /// The queue id on that broker, `0..<writeQueueNums`.
    public var queueId: Int
    /// The master broker's address.
    public var brokerAddress: RocketMQAddress

    /// Creates a queue.
    public init(brokerName: String, queueId: Int, brokerAddress: RocketMQAddress) {
        self.brokerName = brokerName
        self.queueId = queueId
        self.brokerAddress = brokerAddress
    }

    /// `broker#queueId@host:port`.
    public var description: String { "\(brokerName)#\(queueId)@\(brokerAddress)" }
}
