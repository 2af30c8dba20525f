import RocketMQ
import RocketMQTestSupport

/// Runs producer tests against a fresh fake cluster, shutting everything down afterwards.
enum ProducerHarness {
    /// The message the captured Java producer sent (frame 19).
    static let body = Array(#"{"host":"ci","status":"ok","n":2}"#.utf8)

    /// Starts a fake cluster with `script`, runs `body`, then stops the cluster.
    static func withCluster<T>(
        _ script: FakeClusterScript = FakeClusterScript(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (FakeRocketMQCluster) async throws -> T
    ) async throws -> T {
        let cluster = try await FakeRocketMQCluster.start(replies: Wire.replies(), script: script)
        do {
            let result = try await body(cluster)
            await cluster.shutdown()
            return result
        } catch {
            await cluster.shutdown()
            throw error
        }
    }

    /// A configuration for `cluster` with test-friendly limits.
    static func configuration(
        nameServers: String,
        producerGroup: String = "kymon_verify_pg",
        sendTimeout: Duration = .seconds(5),
        retries: Int = 2,
        routeRefreshInterval: Duration = .seconds(30)
    ) throws -> RocketMQProducerConfiguration {
        try RocketMQProducerConfiguration(
            nameServers: nameServers,
            topic: CapturedReplies.capturedTopic,
            producerGroup: producerGroup,
            sendTimeout: sendTimeout,
            retries: retries,
            routeRefreshInterval: routeRefreshInterval
        )
    }

    /// Requests with `code` among `requests`.
    static func requests(_ requests: [RemotingCommand], code: Int) -> [RemotingCommand] {
        requests.filter { $0.code == code }
    }
}
