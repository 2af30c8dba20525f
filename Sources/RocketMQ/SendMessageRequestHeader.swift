/// The header fields of SEND_MESSAGE_V2 (310), which travel under one-letter names `a`…`n`.
struct SendMessageRequestHeader: Sendable, Equatable {
    /// The auto-create template topic.
    static let defaultTopic = "TBW102"
    /// How many queues an auto-created topic gets.
    static let defaultTopicQueueNums = 4

    var producerGroup: String
    var topic: String
    var defaultTopic = SendMessageRequestHeader.defaultTopic
    var defaultTopicQueueNums = SendMessageRequestHeader.defaultTopicQueueNums
    var queueId: Int
    var sysFlag = 0
    var bornTimestamp: Int64
    var flag = 0
    var properties: String
    var reconsumeTimes = 0
    var unitMode = false
    var batch = false
    var brokerName: String

    /// The `extFields` of the request (`l`, consumeRetryTimes, is left out as the Java client does).
    var extFields: [String: String] {
        [
            "a": producerGroup,
            "b": topic,
            "c": defaultTopic,
            "d": String(defaultTopicQueueNums),
            "e": String(queueId),
            "f": String(sysFlag),
            "g": String(bornTimestamp),
            "h": String(flag),
            "i": properties,
            "j": String(reconsumeTimes),
            "k": String(unitMode),
            "m": String(batch),
            "n": brokerName,
        ]
    }
}
