import NIOCore
import NIOPosix

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Sends messages to one RocketMQ topic over the remoting protocol (SEND_MESSAGE_V2).
///
/// Routes come from the name servers and are cached for ``RocketMQProducerConfiguration/routeRefreshInterval``.
/// An unknown topic is sent through the auto-create template TBW102. Each send round-robins over the
/// writable queues of the master brokers, and a retriable failure is tried again on another queue,
/// preferably on another broker, within one ``RocketMQProducerConfiguration/sendTimeout`` budget.
///
/// Call ``shutdown()`` when done (or use ``withProducer(configuration:eventLoopGroup:isolation:_:)``);
/// connections are never closed by `deinit`.
public actor RocketMQProducer {
    /// The settings this producer was created with.
    public let configuration: RocketMQProducerConfiguration

    let pool: RemotingConnectionPool
    let clock = ContinuousClock()
    var publishInfo: TopicPublishInfo?
    var selector = QueueSelector()
    var preferredNameServer = 0
    var isShutDown = false

    /// Creates a producer; no connection is opened until the first send.
    public init(
        configuration: RocketMQProducerConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.pool = RemotingConnectionPool(group: eventLoopGroup, maxFrameBytes: configuration.maxFrameBytes)
    }

    /// Runs `body` with a new producer and shuts it down afterwards, whether `body` throws or not.
    public static func withProducer<T>(
        configuration: RocketMQProducerConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RocketMQProducer) async throws -> T
    ) async throws -> T {
        let producer = RocketMQProducer(configuration: configuration, eventLoopGroup: eventLoopGroup)
        do {
            let result = try await body(producer)
            await producer.shutdown()
            return result
        } catch {
            await producer.shutdown()
            throw error
        }
    }

    /// Sends one message and returns once the broker has stored it.
    ///
    /// - Parameters:
    ///   - body: the payload (kymon's JSON); must not be empty.
    ///   - tags: the `TAGS` property; empty leaves it out.
    ///   - keys: the `KEYS` property, space-joined; empty leaves it out.
    ///   - properties: user properties; names must not be reserved, and no name or value may contain `\u{1}` or `\u{2}`.
    /// - Throws: ``RocketMQError``; the whole call, retries included, ends within the configured send timeout.
    public func send(
        body: [UInt8],
        tags: String,
        keys: [String],
        properties: [String: String] = [:]
    ) async throws -> RocketMQSendResult {
        guard !isShutDown else { throw RocketMQError.shutDown }
        guard !body.isEmpty else { throw RocketMQError.invalidMessage("message body is empty") }
        guard body.count < configuration.maxFrameBytes else {
            throw RocketMQError.frameTooLarge(length: body.count, limit: configuration.maxFrameBytes)
        }
        let uniqueKey = MessageProperties.makeUniqueKey()
        let encodedProperties = try MessageProperties.forMessage(
            tags: tags,
            keys: keys,
            uniqueKey: uniqueKey,
            userProperties: properties
        ).encoded
        let deadline = clock.now + configuration.sendTimeout
        var lastError: RocketMQError?
        var failedBroker: String?
        for attempt in 0...configuration.retries {
            guard !isShutDown else { throw RocketMQError.shutDown }
            try Task.checkCancellation()
            if attempt > 0, clock.now >= deadline { break }
            let info = try await currentPublishInfo(forceRefresh: attempt > 0, deadline: deadline)
            guard let queue = selector.select(from: info.queues, avoiding: failedBroker) else {
                throw RocketMQError.noRoute(topic: configuration.topic, reason: "the route has no writable queue")
            }
            do {
                let result = try await sendOnce(
                    body: body,
                    properties: encodedProperties,
                    uniqueKey: uniqueKey,
                    queue: queue,
                    deadline: deadline
                )
                if info.usesDefaultTopic {
                    // The broker has created the topic; look up its own route next time.
                    markRouteForRefresh()
                }
                return result
            } catch let error as RocketMQError {
                markRouteForRefresh()
                guard error.isRetriable else { throw error }
                lastError = error
                failedBroker = queue.brokerName
            }
        }
        throw lastError ?? RocketMQError.timeout(address: "topic '\(configuration.topic)'", operation: "send")
    }

    /// Closes all connections.
    ///
    /// Later sends fail with ``RocketMQError/shutDown``. Calling it twice is harmless.
    public func shutdown() async {
        isShutDown = true
        await pool.shutdown()
    }

    /// One SEND_MESSAGE_V2 to the master of `queue`.
    private func sendOnce(
        body: [UInt8],
        properties: String,
        uniqueKey: String,
        queue: MessageQueue,
        deadline: ContinuousClock.Instant
    ) async throws -> RocketMQSendResult {
        let header = SendMessageRequestHeader(
            producerGroup: configuration.producerGroup,
            topic: configuration.topic,
            queueId: queue.queueId,
            bornTimestamp: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)),
            properties: properties,
            brokerName: queue.brokerName
        )
        let connection = try await pool.connection(to: queue.brokerAddress, timeout: deadline - clock.now)
        let reply = try await connection.request(
            .sendRequest(header: header, body: body),
            timeout: deadline - clock.now,
            operation: "send"
        )
        return try RocketMQSendResult(reply: reply, queue: queue, uniqueKey: uniqueKey)
    }

    private func markRouteForRefresh() {
        publishInfo?.needsRefresh = true
    }
}
