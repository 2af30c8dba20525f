/// What the broker reported for a stored message.
public struct RocketMQSendResult: Sendable, Equatable {
    /// How the message was stored.
    ///
    /// All cases mean the broker has the message.
    public enum Status: Sendable, Equatable {
        /// Stored and, when configured, flushed and replicated (reply code 0).
        case ok
        /// Stored, but the disk flush timed out (10).
        case flushDiskTimeout
        /// Stored, but no slave was available for replication (11).
        case slaveNotAvailable
        /// Stored, but replication to the slave timed out (12).
        case flushSlaveTimeout
    }

    /// The store outcome.
    public var status: Status
    /// The queue the broker stored the message in.
    public var queueId: Int
    /// The message's offset in that queue.
    public var queueOffset: Int64
    /// The broker's offset message id: store host, port and commit-log offset in hex.
    public var msgId: String
    /// The broker group that stored the message.
    public var brokerName: String
    /// The client-generated `UNIQ_KEY` property (the Java client's `SendResult.msgId`).
    public var uniqueKey: String

    /// Creates a result.
    public init(status: Status, queueId: Int, queueOffset: Int64, msgId: String, brokerName: String, uniqueKey: String)
    {
        self.status = status
        self.queueId = queueId
        self.queueOffset = queueOffset
        self.msgId = msgId
        self.brokerName = brokerName
        self.uniqueKey = uniqueKey
    }

    /// Interprets a SEND_MESSAGE_V2 reply from `address` for a message sent to `queue`.
    ///
    /// Codes 0, 10, 11 and 12 are success; any other code throws ``RocketMQError/brokerError(code:remark:address:operation:)``.
    init(reply: RemotingCommand, queue: MessageQueue, uniqueKey: String) throws {
        let address = queue.brokerAddress.description
        switch reply.code {
        case ResponseCode.success: status = .ok
        case ResponseCode.flushDiskTimeout: status = .flushDiskTimeout
        case ResponseCode.slaveNotAvailable: status = .slaveNotAvailable
        case ResponseCode.flushSlaveTimeout: status = .flushSlaveTimeout
        default:
            throw RocketMQError.brokerError(
                code: reply.code, remark: reply.remark ?? "", address: address, operation: "send")
        }
        guard let offsetText = reply.extFields["queueOffset"], let offset = Int64(offsetText) else {
            throw RocketMQError.malformedFrame("send reply from \(address) has no numeric queueOffset")
        }
        guard let msgId = reply.extFields["msgId"], !msgId.isEmpty else {
            throw RocketMQError.malformedFrame("send reply from \(address) has no msgId")
        }
        self.queueId = reply.extFields["queueId"].flatMap { Int($0) } ?? queue.queueId
        self.queueOffset = offset
        self.msgId = msgId
        self.brokerName = queue.brokerName
        self.uniqueKey = uniqueKey
    }
}
