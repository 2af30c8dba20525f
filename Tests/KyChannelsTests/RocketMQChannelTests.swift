import Foundation
import KyChannels
import KyQuery
import Logging
import RocketMQ
import RocketMQTestSupport
import Testing

/// The `rocketmq` channel against the fake NameServer and broker that answer with captured 4.9.8 frames.
@Suite("RocketMQ channel")
struct RocketMQChannelTests {
    @Test("a published snapshot reaches the broker with TAGS, KEYS and the exact body")
    func publishes() async throws {
        let cluster = try await FakeRocketMQCluster.start(replies: try CapturedReplies.fromWireCaptures())
        do {
            let configuration = try RocketMQProducerConfiguration(nameServers: cluster.nameServerList, topic: CapturedReplies.capturedTopic, sendTimeout: .seconds(5))
            let channel = RocketMQChannel(configuration: configuration)
            let dispatcher = Dispatcher(routes: [.init(channel: channel, policy: ChannelPolicy(timeout: .seconds(6), retries: 0))], logger: Logger(label: "t"))
            var publisher = try Publisher(delivery: dispatcher, server: "http://gpu:8188", statePath: nil)
            let snapshot = Snapshot(source: "s", generatedAt: 0, queue: nil, items: [PromptInfo(id: "p-1", kind: .history, status: .failed)])
            let outcome = try await publisher.publish(snapshot)
            #expect(outcome.allDelivered)
            #expect(try await channel.check().contains("writable queues"))
            await dispatcher.shutdown()
            let sends = cluster.broker.requests.filter { $0.code == 310 }
            let send = try #require(sends.first)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(send.body)) as? [String: Any])
            #expect(body["server"] as? String == "http://gpu:8188")
            #expect(body["seq"] as? Int == 1)
            let properties = try #require(send.extFields["i"])
            #expect(properties.contains("TAGS\u{1}snapshot"))
            #expect(properties.contains("KEYS\u{1}p-1"))
            #expect(properties.contains("source\u{1}kymon"))
            #expect(send.extFields["b"] == CapturedReplies.capturedTopic)
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test("a broker refusal becomes a channel error with the code and the remark")
    func refusal() async throws {
        var script = FakeClusterScript()
        script.sendBehaviours = [.reject(code: 1, remark: "The specified topic contains illegal characters")]
        let cluster = try await FakeRocketMQCluster.start(replies: try CapturedReplies.fromWireCaptures(), script: script)
        let configuration = try RocketMQProducerConfiguration(nameServers: cluster.nameServerList, topic: CapturedReplies.capturedTopic, sendTimeout: .seconds(10), retries: 0)
        let channel = RocketMQChannel(configuration: configuration)
        await #expect {
            try await channel.send(ChannelMessage(body: Array("{}".utf8), tag: "snapshot"))
        } throws: { error in
            let error = error as? ChannelError
            return error?.channel == "rocketmq" && error?.reason.contains("illegal characters") == true && error?.isRetriable == false
        }
        await channel.shutdown()
        await cluster.shutdown()
    }
}
