/// Picks send queues round-robin and steers a retry away from the broker that just failed.
struct QueueSelector: Sendable {
    private var counter: UInt

    /// Starts at `start`; a random start spreads several producers over the queues.
    init(start: UInt = UInt.random(in: 0..<1024)) {
        counter = start
    }

    /// The next queue, preferring one not on `avoidedBroker` when another broker has a queue.
    mutating func select(from queues: [MessageQueue], avoiding avoidedBroker: String?) -> MessageQueue? {
        guard !queues.isEmpty else { return nil }
        let start = counter
        counter &+= 1
        let count = UInt(queues.count)
        if let avoidedBroker {
            for step in 0..<count {
                let queue = queues[Int((start &+ step) % count)]
                if queue.brokerName != avoidedBroker {
                    counter = start &+ step &+ 1
                    return queue
                }
            }
        }
        return queues[Int(start % count)]
    }
}
