import Testing

@testable import RocketMQ

@Suite("TopicRouteData parsing and writable queues")
struct TopicRouteDataTests {
    static let master = "127.0.0.1:10911"

    @Test("the captured standard route decodes")
    func standardRoute() throws {
        let reply = try RemotingCommand(frame: Wire.key("java_route_resp_std_json"))
        let route = try TopicRouteData(json: reply.body)
        #expect(
            route.brokerDatas == [
                .init(brokerName: "broker-a", cluster: "DefaultCluster", brokerAddrs: ["0": Self.master])
            ])
        #expect(
            route.queueDatas == [
                .init(brokerName: "broker-a", perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0)
            ])
    }

    @Test("the captured legacy route with a bare {0: key decodes to the same data")
    func legacyRoute() throws {
        let legacy = try RemotingCommand(frame: Wire.key("py_route_resp_legacy_unquoted_keys"))
        #expect(String(decoding: legacy.body, as: UTF8.self).contains(#"{0:"127.0.0.1:10911"}"#))
        let standard = try RemotingCommand(frame: Wire.key("py_route_resp_std_json"))
        #expect(try TopicRouteData(json: legacy.body) == TopicRouteData(json: standard.body))
    }

    @Test("text like {0: inside a string value is left alone")
    func bareKeyLookalikeInString() throws {
        let json =
            #"{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"b{0:x}","cluster":"c,1:{0:\"y\"}"}],"queueDatas":[{"brokerName":"b{0:x}","perm":6,"readQueueNums":2,"topicSysFlag":0,"writeQueueNums":2}]}"#
        let route = try TopicRouteData(json: Array(json.utf8))
        let broker = try #require(route.brokerDatas.first)
        #expect(broker.brokerName == "b{0:x}")
        #expect(broker.cluster == #"c,1:{0:"y"}"#)
        #expect(broker.brokerAddrs == ["0": Self.master, "1": "127.0.0.1:10921"])
        #expect(route.writableQueues().map(\.queueId) == [0, 1])
    }

    @Test("writable queues are the master's queue ids 0..<writeQueueNums")
    func writableQueuesOfCapturedRoute() throws {
        let route = try TopicRouteData(json: RemotingCommand(frame: Wire.key("java_route_resp_std_json")).body)
        let address = try RocketMQAddress(parsing: Self.master)
        #expect(
            route.writableQueues()
                == (0..<4).map { MessageQueue(brokerName: "broker-a", queueId: $0, brokerAddress: address) })
    }

    @Test("the TBW102 template's 8 queues are capped at 4 for auto-create")
    func templateQueuesCapped() throws {
        let route = try TopicRouteData(json: RemotingCommand(frame: Wire.key("java_route_resp_TBW102_ok")).body)
        #expect(route.queueDatas.first?.perm == 7)
        #expect(route.writableQueues().count == 8)
        #expect(route.writableQueues(maxQueuesPerBroker: 4).map(\.queueId) == [0, 1, 2, 3])
    }

    @Test("a hostile route (400,000,000 queues, or one broker listed again and again) yields at most maximumWritableQueues (fuzzer find)")
    func hostileQueueCountsCapped() throws {
        let huge = #"{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":400000000}]}"#
        let route = try TopicRouteData(json: Array(huge.utf8))
        #expect(route.writableQueues().count == TopicRouteData.maximumWritableQueues)

        let repeated = TopicRouteData(
            brokerDatas: [.init(brokerName: "broker-a", cluster: "c", brokerAddrs: ["0": "10.0.0.1:10911"])],
            queueDatas: Array(repeating: .init(brokerName: "broker-a", perm: 6, readQueueNums: 4, writeQueueNums: 1000), count: 100)
        )
        #expect(repeated.writableQueues().count == TopicRouteData.maximumWritableQueues)
    }

    @Test("read-only queues, brokers without a master and unknown brokers give no queues")
    func unwritableQueuesSkipped() throws {
        let route = TopicRouteData(
            brokerDatas: [
                .init(brokerName: "broker-b", cluster: "c", brokerAddrs: ["0": "10.0.0.2:10911"]),
                .init(brokerName: "broker-r", cluster: "c", brokerAddrs: ["0": "10.0.0.3:10911"]),
                .init(brokerName: "broker-s", cluster: "c", brokerAddrs: ["1": "10.0.0.4:10911"]),
                .init(
                    brokerName: "broker-a", cluster: "c", brokerAddrs: ["0": "10.0.0.1:10911", "1": "10.0.0.9:10911"]),
            ],
            queueDatas: [
                .init(brokerName: "broker-b", perm: 6, readQueueNums: 2, writeQueueNums: 2),
                .init(brokerName: "broker-r", perm: 4, readQueueNums: 2, writeQueueNums: 2),
                .init(brokerName: "broker-s", perm: 6, readQueueNums: 2, writeQueueNums: 2),
                .init(brokerName: "broker-x", perm: 6, readQueueNums: 2, writeQueueNums: 2),
                .init(brokerName: "broker-a", perm: 2, readQueueNums: 0, writeQueueNums: 1),
            ]
        )
        let queues = route.writableQueues()
        #expect(
            queues.map(\.description) == [
                "broker-a#0@10.0.0.1:10911", "broker-b#0@10.0.0.2:10911", "broker-b#1@10.0.0.2:10911",
            ])
    }

    @Test(
        "invalid route json is a malformed frame error",
        arguments: ["", "{", #"{"queueDatas":[{"perm":6}]}"#, #"{"brokerDatas":{}}"#])
    func malformedRoute(json: String) throws {
        let error = try #require(throws: RocketMQError.self) { _ = try TopicRouteData(json: Array(json.utf8)) }
        #expect(error.description.hasPrefix("malformed rocketmq frame: invalid route json"))
    }
}
