#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import RocketMQ
import KyTestSupport
import RocketMQTestSupport
import Testing

@Suite("Producer failures: broker refusals, hangs and closed connections", .timeLimit(.minutes(1)))
struct RocketMQProducerFailureTests {
    @Test("a busy or unavailable broker (2, 14) is retried on another queue", arguments: [2, 14])
    func retriesRetriableCodes(code: Int) async throws {
        let script = FakeClusterScript(sendBehaviours: [.reject(code: code, remark: "try later")])
        try await ProducerHarness.withCluster(script) { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            let result = try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
            }
            #expect(result.status == .ok)
            let queues = cluster.broker.requests.compactMap { $0.extFields["e"] }
            #expect(queues.count == 2)
            #expect(Set(queues).count == 2, "the retry must use another queue")
            #expect(cluster.nameServer.requests.count == 2, "the route is refreshed after a failure")
        }
    }

    @Test("retries stop after the configured count and the last refusal is reported")
    func retriesExhausted() async throws {
        let script = FakeClusterScript(sendBehaviours: Array(repeating: .reject(code: 2, remark: "busy"), count: 3))
        try await ProducerHarness.withCluster(script) { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList, retries: 2)
            let error = try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                try await #require(throws: RocketMQError.self) {
                    _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                }
            }
            #expect(error.responseCode == 2)
            #expect(error.remark == "busy")
            #expect(cluster.broker.requests.count == 3)
        }
    }

    @Test("a system error (1) is not retried and carries the captured code and remark")
    func systemErrorNotRetried() async throws {
        let script = FakeClusterScript(sendBehaviours: [.reject(code: 1)])
        try await ProducerHarness.withCluster(script) { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            let secret = "do-not-leak-body"
            let error = try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                try await #require(throws: RocketMQError.self) {
                    _ = try await producer.send(body: Array(secret.utf8), tags: "status", keys: [])
                }
            }
            #expect(error.responseCode == 1)
            #expect(error.remark == "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$")
            #expect(!error.isRetriable)
            #expect(error.description.contains(cluster.broker.address))
            #expect(!error.description.contains(secret))
            #expect(cluster.broker.requests.count == 1)
        }
    }

    @Test("message illegal (13) and no permission (16) are not retried", arguments: [13, 16])
    func otherRefusalsNotRetried(code: Int) async throws {
        let script = FakeClusterScript(sendBehaviours: [.reject(code: code, remark: "refused \(code)")])
        try await ProducerHarness.withCluster(script) { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            let error = try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                try await #require(throws: RocketMQError.self) {
                    _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                }
            }
            #expect(error.responseCode == code)
            #expect(error.remark == "refused \(code)")
            #expect(cluster.broker.requests.count == 1)
        }
    }

    @Test("a hanging broker gives a timeout within the send timeout plus a small margin")
    func hangingBrokerTimesOut() async throws {
        let script = FakeClusterScript(sendBehaviours: [.hang])
        try await ProducerHarness.withCluster(script) { cluster in
            // Long enough that the reconnecting second send fits in it on a loaded machine.
            let timeout = Duration.seconds(5)
            let configuration = try ProducerHarness.configuration(
                nameServers: cluster.nameServerList, sendTimeout: timeout)
            let clock = ContinuousClock()
            try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                let start = clock.now
                let error = await #expect(throws: RocketMQError.self) {
                    _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                }
                let elapsed = clock.now - start
                #expect(error == .timeout(address: cluster.broker.address, operation: "send"))
                #expect(error?.isRetriable == true)
                #expect(elapsed >= .milliseconds(4900))
                #expect(elapsed < timeout + .seconds(5), "took \(elapsed)")

                let next = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                #expect(next.status == .ok)
            }
            #expect(cluster.broker.connectionCount == 2, "the timed-out connection is replaced")
        }
    }

    @Test(
        "a connection closed mid-frame (or before any reply) fails the send, and the next send reconnects and succeeds",
        arguments: [FakeSendBehaviour.closeMidFrame, .closeWithoutReply]
    )
    func closedMidFrameThenRecovers(behaviour: FakeSendBehaviour) async throws {
        let script = FakeClusterScript(sendBehaviours: [behaviour])
        try await ProducerHarness.withCluster(script) { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList, retries: 0)
            try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                await #expect(throws: RocketMQError.connectionClosed(address: cluster.broker.address)) {
                    _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                }
                let result = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                #expect(result.status == .ok)
            }
            #expect(cluster.broker.requests.count == 2)
            #expect(cluster.broker.connectionCount == 2)
        }
    }

    @Test("with retries, a connection closed mid-frame is retried inside the same send")
    func closedMidFrameRetried() async throws {
        let script = FakeClusterScript(sendBehaviours: [.closeMidFrame])
        try await ProducerHarness.withCluster(script) { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            let result = try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
            }
            #expect(result.status == .ok)
            #expect(cluster.broker.requests.count == 2)
        }
    }

    @Test("unreachable name servers give a retriable connect error naming the address")
    func noNameServer() async throws {
        // Bound but not listening: connections are refused, and no parallel test can take the port.
        let (socket, deadAddress) = try RefusingPort.open()
        defer { close(socket) }
        let configuration = try ProducerHarness.configuration(nameServers: deadAddress, sendTimeout: .seconds(10))
        let error = try await RocketMQProducer.withProducer(configuration: configuration) { producer in
            try await #require(throws: RocketMQError.self) {
                _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
            }
        }
        #expect(error.shortDescription == "connectFailed")
        #expect(error.isRetriable)
        #expect(error.description.contains(deadAddress))
    }

    @Test("a broker without auto-create refuses an unknown topic with 17")
    func autoCreateDisabled() async throws {
        let script = FakeClusterScript(knownTopics: [], autoCreateTopics: false)
        try await ProducerHarness.withCluster(script) { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            let error = try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                try await #require(throws: RocketMQError.self) {
                    _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                }
            }
            #expect(error.responseCode == 17)
            #expect(cluster.broker.requests.count == 1)
        }
    }
}
