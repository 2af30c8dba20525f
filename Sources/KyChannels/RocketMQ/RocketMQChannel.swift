import RocketMQ

/// The `rocketmq` channel: SEND_MESSAGE_V2 through kymon's remoting producer, with `TAGS` set to the
/// message's tag (the status, or `snapshot`) and `KEYS` to its prompt ids.
public struct RocketMQChannel: Channel {
    public let name = "rocketmq"
    private let producer: RocketMQProducer
    private let topic: String

    public init(configuration: RocketMQProducerConfiguration) {
        self.producer = RocketMQProducer(configuration: configuration)
        self.topic = configuration.topic
    }

    public func send(_ message: ChannelMessage) async throws {
        do {
            _ = try await producer.send(body: message.body, tags: message.tag, keys: Array(message.keys.prefix(32)), properties: ["source": "kymon"])
        } catch let error as RocketMQError {
            throw ChannelError(channel: name, reason: error.description, isRetriable: error.isRetriable)
        }
    }

    public func check() async throws -> String {
        do {
            return try await producer.describeRoute()
        } catch let error as RocketMQError {
            throw ChannelError(channel: name, reason: error.description, isRetriable: error.isRetriable)
        }
    }

    public func shutdown() async {
        await producer.shutdown()
    }
}
