import AsyncHTTPClient
import Foundation
import KyChannels
import KyTestSupport
import Logging
import RocketMQ
import RocketMQTestSupport
import Testing

/// Real hung peers: a webhook that accepts the connection and never answers, and a RocketMQ broker
/// that never replies to a send. Neither may delay a healthy channel.
@Suite("Hung channels", .timeLimit(.minutes(2)))
struct HungChannelTests {
    private let message = ChannelMessage(body: Array(#"{"schema":"kymon.event/1","seq":1}"#.utf8), tag: "queued", keys: ["p-1"])

    @Test("a hung webhook and a silent RocketMQ broker: the healthy channel is not delayed, and each gives up within its own timeout")
    func hungPeers() async throws {
        let hook = try await FakeComfyUI.start(routes: ["/hung": .hang])
        let cluster = try await FakeRocketMQCluster.start(replies: try CapturedReplies.fromWireCaptures(), script: FakeClusterScript(sendBehaviours: Array(repeating: .hang, count: 8)))
        try await HTTPClient.withHTTPClient { client in
            let webhookTimeout = Duration.seconds(6)
            let webhook = WebhookChannel(url: try #require(WebhookURL("\(hook.baseURL)/hung")), secret: nil, headers: [], client: client, timeout: webhookTimeout)
            let sendTimeout = Duration.seconds(6)
            let rocketmq = RocketMQChannel(
                configuration: try RocketMQProducerConfiguration(
                    nameServers: cluster.nameServerList, topic: CapturedReplies.capturedTopic, sendTimeout: sendTimeout, retries: 0)
            )
            let healthy = RecordingChannel(name: "healthy")
            let dispatcher = Dispatcher(
                routes: [
                    .init(channel: webhook, policy: ChannelPolicy(timeout: webhookTimeout + .seconds(1), retries: 0)),
                    .init(channel: rocketmq, policy: ChannelPolicy(timeout: sendTimeout + .seconds(1), retries: 0)),
                    .init(channel: healthy, policy: ChannelPolicy(timeout: .seconds(2), retries: 0)),
                ],
                logger: Logger(label: "hung-test")
            )
            let clock = ContinuousClock()
            let start = clock.now
            let reports = await dispatcher.deliver(message)
            let elapsed = clock.now - start

            #expect(reports[2].isDelivered)
            #expect(reports[2].duration < webhookTimeout, "the healthy channel did not wait for either hung one")
            #expect(reports[0].outcome == .failed("no answer from \(hook.baseURL)/hung within 6.0 seconds"))
            #expect(reports[0].isRetriable)
            let rocketReason = try #require({ if case .failed(let reason) = reports[1].outcome { return reason } else { return nil } }())
            #expect(rocketReason.contains("timed out"))
            #expect(reports[1].isRetriable)
            // Each gives up at its own timeout; together they cost the longest one, not the sum.
            #expect(elapsed >= .milliseconds(5900))
            #expect(elapsed < .seconds(7) + .seconds(8), "bounded by the slowest channel's own budget (took \(elapsed))")
            await dispatcher.shutdown()
        }
        await cluster.shutdown()
        try await hook.stop()
    }
}
