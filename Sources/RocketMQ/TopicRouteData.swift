#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A topic's route as a name server reports it: the brokers that hold it and their queues.
public struct TopicRouteData: Sendable, Equatable, Decodable {
    /// One broker group: a master (broker id `0`) and its slaves.
    public struct BrokerData: Sendable, Equatable, Decodable {
        /// The broker group name, such as `broker-a`.
        public var brokerName: String
        /// The cluster the group belongs to.
        public var cluster: String
        /// Broker id (as text, `0` = master) to `host:port`.
        public var brokerAddrs: [String: String]

        /// Creates broker data.
        public init(brokerName: String, cluster: String, brokerAddrs: [String: String]) {
            self.brokerName = brokerName
            self.cluster = cluster
            self.brokerAddrs = brokerAddrs
        }

        /// The master's `host:port`, if the group has one.
        public var masterAddress: String? { brokerAddrs["0"] }

        private enum CodingKeys: String, CodingKey { case brokerName, cluster, brokerAddrs }

        /// Decodes from JSON, where optional fields default to empty or zero.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            brokerName = try container.decode(String.self, forKey: .brokerName)
            cluster = try container.decodeIfPresent(String.self, forKey: .cluster) ?? ""
            brokerAddrs = try container.decodeIfPresent([String: String].self, forKey: .brokerAddrs) ?? [:]
        }
    }

    /// The queues a broker group serves for the topic.
    public struct QueueData: Sendable, Equatable, Decodable {
        /// Readable permission bit.
        public static let permRead = 4
        /// Writable permission bit.
        public static let permWrite = 2

        /// The broker group name, matching a ``BrokerData/brokerName``.
        public var brokerName: String
        /// Permission bits: 4 read, 2 write, 1 inherit.
        public var perm: Int
        /// Number of readable queues.
        public var readQueueNums: Int
        /// Number of writable queues; ids are `0..<writeQueueNums`.
        public var writeQueueNums: Int
        /// Topic system flags.
        public var topicSysFlag: Int

        /// Creates queue data.
        public init(brokerName: String, perm: Int, readQueueNums: Int, writeQueueNums: Int, topicSysFlag: Int = 0) {
            self.brokerName = brokerName
            self.perm = perm
            self.readQueueNums = readQueueNums
            self.writeQueueNums = writeQueueNums
            self.topicSysFlag = topicSysFlag
        }

        /// Whether producers may write to these queues.
        public var isWritable: Bool { perm & Self.permWrite != 0 }

        private enum CodingKeys: String, CodingKey {
            case brokerName, perm, readQueueNums, writeQueueNums, topicSysFlag
        }

        /// Decodes from JSON, where optional fields default to empty or zero.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            brokerName = try container.decode(String.self, forKey: .brokerName)
            perm = try container.decode(Int.self, forKey: .perm)
            readQueueNums = try container.decodeIfPresent(Int.self, forKey: .readQueueNums) ?? 0
            writeQueueNums = try container.decode(Int.self, forKey: .writeQueueNums)
            topicSysFlag = try container.decodeIfPresent(Int.self, forKey: .topicSysFlag) ?? 0
        }
    }

    /// The broker groups holding the topic.
    public var brokerDatas: [BrokerData]
    /// The queues per broker group.
    public var queueDatas: [QueueData]

    /// Creates route data.
    public init(brokerDatas: [BrokerData], queueDatas: [QueueData]) {
        self.brokerDatas = brokerDatas
        self.queueDatas = queueDatas
    }

    private enum CodingKeys: String, CodingKey { case brokerDatas, queueDatas }

    /// Decodes from JSON; missing lists are empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        brokerDatas = try container.decodeIfPresent([BrokerData].self, forKey: .brokerDatas) ?? []
        queueDatas = try container.decodeIfPresent([QueueData].self, forKey: .queueDatas) ?? []
    }

    /// Decodes a route reply body: standard JSON or the legacy form with bare integer map keys.
    ///
    /// Throws ``RocketMQError/malformedFrame(_:)`` naming the problem.
    public init(json: [UInt8]) throws {
        let quoted = LegacyJSONKeyQuoter.quoteIntegerKeys(json)
        do {
            self = try JSONDecoder().decode(TopicRouteData.self, from: Data(quoted))
        } catch let error as DecodingError {
            throw RocketMQError.malformedFrame("invalid route json: \(RemotingCommand.summary(of: error))")
        } catch {
            throw RocketMQError.malformedFrame("invalid route json")
        }
    }
}
