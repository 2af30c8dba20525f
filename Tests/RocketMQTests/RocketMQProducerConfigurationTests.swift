import Testing

@testable import RocketMQ

@Suite("Producer configuration")
struct RocketMQProducerConfigurationTests {
    @Test("defaults match the documented values")
    func defaults() throws {
        let configuration = try RocketMQProducerConfiguration(
            nameServers: "127.0.0.1:9876;127.0.0.2:9876", topic: "kymon_status")
        #expect(configuration.nameServers.count == 2)
        #expect(configuration.producerGroup == "KY_MONITOR_PRODUCER_GROUP")
        #expect(configuration.sendTimeout == .seconds(5))
        #expect(configuration.retries == 2)
        #expect(configuration.routeRefreshInterval == .seconds(30))
        #expect(configuration.maxFrameBytes == 4 * 1024 * 1024)
    }

    @Test(
        "bad settings are refused with a message naming them",
        arguments: [
            (
                topic: "bad topic!", group: "g", timeout: Duration.seconds(1), retries: 0,
                expected: "topic 'bad topic!' may only contain"
            ),
            (topic: "", group: "g", timeout: .seconds(1), retries: 0, expected: "topic is empty"),
            (
                topic: String(repeating: "t", count: 128), group: "g", timeout: .seconds(1), retries: 0,
                expected: "longer than 127"
            ),
            (topic: "TBW102", group: "g", timeout: .seconds(1), retries: 0, expected: "auto-create template"),
            (topic: "t", group: "g/h", timeout: .seconds(1), retries: 0, expected: "producer group 'g/h'"),
            (topic: "t", group: "g", timeout: .zero, retries: 0, expected: "send timeout"),
            (topic: "t", group: "g", timeout: .seconds(1), retries: -1, expected: "retries -1"),
        ]
    )
    func refusesBadSettings(topic: String, group: String, timeout: Duration, retries: Int, expected: String) throws {
        let error = try #require(throws: RocketMQError.self) {
            _ = try RocketMQProducerConfiguration(
                nameServers: "127.0.0.1:9876",
                topic: topic,
                producerGroup: group,
                sendTimeout: timeout,
                retries: retries
            )
        }
        #expect(error.description.hasPrefix("invalid rocketmq configuration: "))
        #expect(error.description.contains(expected), "\(error.description)")
    }

    @Test("a bad name server list is refused")
    func refusesBadNameServers() throws {
        let error = try #require(throws: RocketMQError.self) {
            _ = try RocketMQProducerConfiguration(nameServers: "127.0.0.1:9876;nohost", topic: "t")
        }
        #expect(error.description.contains("'nohost' has no port"))
    }

    @Test("refresh interval and frame cap are checked")
    func refusesBadLimits() {
        #expect(throws: RocketMQError.self) {
            _ = try RocketMQProducerConfiguration(nameServers: "a:1", topic: "t", routeRefreshInterval: .zero)
        }
        #expect(throws: RocketMQError.self) {
            _ = try RocketMQProducerConfiguration(nameServers: "a:1", topic: "t", maxFrameBytes: 10)
        }
    }
}
