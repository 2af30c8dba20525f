import Testing

@testable import RocketMQ

@Suite("Queue selection")
struct QueueSelectorTests {
    static func queues(_ layout: [(String, Int)]) throws -> [MessageQueue] {
        try layout.flatMap { broker, count in
            try (0..<count).map {
                MessageQueue(
                    brokerName: broker, queueId: $0, brokerAddress: try RocketMQAddress(host: broker, port: 10911))
            }
        }
    }

    @Test("queues are used round-robin")
    func roundRobin() throws {
        let queues = try Self.queues([("broker-a", 4)])
        var selector = QueueSelector(start: 2)
        let picked = (0..<6).compactMap { _ in selector.select(from: queues, avoiding: nil)?.queueId }
        #expect(picked == [2, 3, 0, 1, 2, 3])
    }

    @Test("a retry prefers another broker")
    func avoidsFailedBroker() throws {
        let queues = try Self.queues([("broker-a", 2), ("broker-b", 2)])
        var selector = QueueSelector(start: 0)
        let firstPick = selector.select(from: queues, avoiding: nil)
        let first = try #require(firstPick)
        #expect(first.brokerName == "broker-a")
        let retryPick = selector.select(from: queues, avoiding: first.brokerName)
        let retry = try #require(retryPick)
        #expect(retry.brokerName == "broker-b")
        let nextPick = selector.select(from: queues, avoiding: "broker-b")
        let next = try #require(nextPick)
        #expect(next.brokerName == "broker-a")
    }

    @Test("with one broker a retry moves to another queue")
    func singleBrokerRetry() throws {
        let queues = try Self.queues([("broker-a", 4)])
        var selector = QueueSelector(start: 3)
        let firstPick = selector.select(from: queues, avoiding: nil)
        let first = try #require(firstPick)
        let retryPick = selector.select(from: queues, avoiding: first.brokerName)
        let retry = try #require(retryPick)
        #expect(first.queueId == 3)
        #expect(retry.queueId == 0)
    }

    @Test("no queues gives no pick")
    func empty() {
        var selector = QueueSelector()
        #expect(selector.select(from: [], avoiding: nil) == nil)
    }
}
