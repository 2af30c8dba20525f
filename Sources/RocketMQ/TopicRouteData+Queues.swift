extension TopicRouteData {
    /// The most queues a route may yield in total: far above any real topic (brokers default to 4 or 8
    /// per topic), low enough that a hostile or corrupt route (`"writeQueueNums": 400000000`, or one
    /// broker listed many times) cannot make kymon allocate gigabytes.
    public static let maximumWritableQueues = 4096

    /// The queues a producer may write to: for each writable queue group whose broker has a master,
    /// queue ids `0..<writeQueueNums` on that master, sorted by broker name then queue id.
    ///
    /// - Parameter maxQueuesPerBroker: caps the queue count per broker. When a topic is sent through
    ///   the auto-create template (TBW102), the broker creates it with only that many queues.
    ///
    /// At most ``maximumWritableQueues`` queues are returned.
    public func writableQueues(maxQueuesPerBroker: Int? = nil) -> [MessageQueue] {
        var queues: [MessageQueue] = []
        for queueData in queueDatas.sorted(by: { $0.brokerName < $1.brokerName }) where queueData.isWritable {
            guard let broker = brokerDatas.first(where: { $0.brokerName == queueData.brokerName }),
                let master = broker.masterAddress,
                let address = try? RocketMQAddress(parsing: master)
            else { continue }
            let room = Self.maximumWritableQueues - queues.count
            let count = min(max(queueData.writeQueueNums, 0), maxQueuesPerBroker ?? Int.max, room)
            for queueId in 0..<count {
                queues.append(MessageQueue(brokerName: queueData.brokerName, queueId: queueId, brokerAddress: address))
            }
        }
        return queues
    }
}
