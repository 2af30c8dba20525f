/// Settings of a ``RocketMQProducer``, checked when created.
public struct RocketMQProducerConfiguration: Sendable, Equatable {
    /// The producer group used when none is given.
    public static let defaultProducerGroup = "KY_MONITOR_PRODUCER_GROUP"

    /// Name servers, asked in turn for routes.
    public let nameServers: [RocketMQAddress]
    /// The topic every message goes to.
    public let topic: String
    /// The producer group announced in each send.
    public let producerGroup: String
    /// The time budget of one ``RocketMQProducer/send(body:tags:keys:properties:)`` call, all retries included.
    public let sendTimeout: Duration
    /// How many more times a retriable failure is tried, on another queue.
    public let retries: Int
    /// How long a route is used before it is fetched again.
    public let routeRefreshInterval: Duration
    /// The largest frame sent or accepted, counted by the length field.
    public let maxFrameBytes: Int

    /// Creates a configuration from a `"host:port;host:port"` name server list.
    public init(
        nameServers: String,
        topic: String,
        producerGroup: String = RocketMQProducerConfiguration.defaultProducerGroup,
        sendTimeout: Duration = .seconds(5),
        retries: Int = 2,
        routeRefreshInterval: Duration = .seconds(30),
        maxFrameBytes: Int = RemotingCommand.defaultMaxFrameBytes
    ) throws {
        try self.init(
            nameServerAddresses: RocketMQAddress.parseList(nameServers),
            topic: topic,
            producerGroup: producerGroup,
            sendTimeout: sendTimeout,
            retries: retries,
            routeRefreshInterval: routeRefreshInterval,
            maxFrameBytes: maxFrameBytes
        )
    }

    /// Creates a configuration from parsed name server addresses.
    public init(
        nameServerAddresses: [RocketMQAddress],
        topic: String,
        producerGroup: String = RocketMQProducerConfiguration.defaultProducerGroup,
        sendTimeout: Duration = .seconds(5),
        retries: Int = 2,
        routeRefreshInterval: Duration = .seconds(30),
        maxFrameBytes: Int = RemotingCommand.defaultMaxFrameBytes
    ) throws {
        guard !nameServerAddresses.isEmpty else {
            throw RocketMQError.invalidConfiguration("no name server address given")
        }
        try Self.validateName(topic, kind: "topic", maxLength: 127)
        guard topic != SendMessageRequestHeader.defaultTopic else {
            throw RocketMQError.invalidConfiguration(
                "topic '\(topic)' is the auto-create template and cannot take messages")
        }
        try Self.validateName(producerGroup, kind: "producer group", maxLength: 255)
        guard sendTimeout > .zero else {
            throw RocketMQError.invalidConfiguration("send timeout \(sendTimeout) is not positive")
        }
        guard (0...16).contains(retries) else {
            throw RocketMQError.invalidConfiguration("retries \(retries) is outside 0…16")
        }
        guard routeRefreshInterval > .zero else {
            throw RocketMQError.invalidConfiguration("route refresh interval \(routeRefreshInterval) is not positive")
        }
        guard (1024...Int(Int32.max)).contains(maxFrameBytes) else {
            throw RocketMQError.invalidConfiguration("max frame bytes \(maxFrameBytes) is outside 1024…\(Int32.max)")
        }
        self.nameServers = nameServerAddresses
        self.topic = topic
        self.producerGroup = producerGroup
        self.sendTimeout = sendTimeout
        self.retries = retries
        self.routeRefreshInterval = routeRefreshInterval
        self.maxFrameBytes = maxFrameBytes
    }

    /// Checks a topic or group name against RocketMQ's `^[%|a-zA-Z0-9_-]+$` and a length limit.
    private static func validateName(_ name: String, kind: String, maxLength: Int) throws {
        guard !name.isEmpty else {
            throw RocketMQError.invalidConfiguration("\(kind) is empty")
        }
        guard name.utf8.count <= maxLength else {
            throw RocketMQError.invalidConfiguration("\(kind) '\(name)' is longer than \(maxLength) characters")
        }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "%", "|", "_", "-": return true
            default: return false
            }
        }
        guard allowed else {
            throw RocketMQError.invalidConfiguration(
                "\(kind) '\(name)' may only contain letters, digits, %, |, _ and -")
        }
    }
}
