import Foundation
import RocketMQ
import RocketMQTestSupport
import Testing

@Suite("Producer end to end against captured replies", .timeLimit(.minutes(1)))
struct RocketMQProducerTests {
    @Test("route, send and a result parsed from the captured SEND_OK reply")
    func sendThroughCapturedRoute() async throws {
        try await ProducerHarness.withCluster { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            let result = try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                try await producer.send(body: ProducerHarness.body, tags: "status", keys: ["kymon-key-1"])
            }
            #expect(result.status == .ok)
            #expect(result.queueId == 0)
            #expect(result.queueOffset == 0)
            #expect(result.msgId == "7F00000100002A9F0000000000000108")
            #expect(result.brokerName == "broker-a")
            #expect(result.uniqueKey.count == 32)

            let routes = cluster.nameServer.requests
            #expect(routes.count == 1)
            #expect(routes.first?.code == 105)
            #expect(routes.first?.version == 409)
            #expect(routes.first?.language == "OTHER")
            #expect(routes.first?.extFields == ["topic": "kymon_test", "acceptStandardJsonOnly": "true"])
            let sends = cluster.broker.requests
            #expect(sends.count == 1)
            #expect(sends.first?.code == 310)
            #expect(sends.first?.body == ProducerHarness.body)
            #expect(
                sends.first.flatMap { MessageProperties.parse($0.extFields["i"] ?? "") }?["UNIQ_KEY"]
                    == result.uniqueKey)
        }
    }

    @Test("the send request's extFields equal the captured Java request's, volatile values aside")
    func requestMatchesCapturedJava() async throws {
        try await ProducerHarness.withCluster { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            let before = Int64(Date().timeIntervalSince1970 * 1000)
            _ = try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                try await producer.send(
                    body: ProducerHarness.body, tags: "status", keys: ["kymon-key-1"], properties: ["source": "kymon"])
            }
            let after = Int64(Date().timeIntervalSince1970 * 1000)
            let java = try RemotingCommand(frame: Wire.key("java_send_v2_req"))
            let ours = try #require(cluster.broker.requests.first)
            #expect(ours.code == java.code)
            #expect(ours.flag == java.flag)
            #expect(ours.version == java.version)
            #expect(ours.body == java.body)
            #expect(Set(ours.extFields.keys) == Set(java.extFields.keys))
            for (key, value) in java.extFields where !["e", "g", "i"].contains(key) {
                #expect(ours.extFields[key] == value, "field \(key)")
            }
            let queueId = try #require(ours.extFields["e"].flatMap { Int($0) })
            #expect((0..<4).contains(queueId))
            let born = try #require(ours.extFields["g"].flatMap { Int64($0) })
            #expect(born >= before && born <= after)
            var ourProperties = try #require(ours.extFields["i"].flatMap { MessageProperties.parse($0) })
            var javaProperties = try #require(java.extFields["i"].flatMap { MessageProperties.parse($0) })
            #expect(ourProperties.removeValue(forKey: "UNIQ_KEY") != nil)
            #expect(javaProperties.removeValue(forKey: "UNIQ_KEY") != nil)
            #expect(ourProperties == javaProperties)
        }
    }

    @Test("an unknown topic (17) is sent through TBW102 with c and d set, then looked up again")
    func autoCreateThroughTemplate() async throws {
        try await ProducerHarness.withCluster(FakeClusterScript(knownTopics: [])) { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                let first = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                #expect(first.status == .ok)
                #expect(cluster.nameServer.requests.map { $0.extFields["topic"] } == ["kymon_test", "TBW102"])
                let send = try #require(cluster.broker.requests.first)
                #expect(send.extFields["b"] == "kymon_test")
                #expect(send.extFields["c"] == "TBW102")
                #expect(send.extFields["d"] == "4")
                let queueId = try #require(send.extFields["e"].flatMap { Int($0) })
                #expect((0..<4).contains(queueId), "TBW102 has 8 queues but the created topic only 4")
                #expect(cluster.currentScript.knownTopics.contains("kymon_test"))

                _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                #expect(
                    cluster.nameServer.requests.map { $0.extFields["topic"] } == ["kymon_test", "TBW102", "kymon_test"])
                _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                #expect(cluster.nameServer.requests.count == 3, "the topic's own route is cached now")
            }
            #expect(cluster.broker.requests.count == 3)
        }
    }

    @Test("queues taken from the TBW102 template stay below d = 4, the auto-created topic's queue count")
    func templateQueuesCapped() async throws {
        let script = FakeClusterScript(knownTopics: [], registerCreatedTopics: false)
        try await ProducerHarness.withCluster(script) { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList, retries: 0)
            try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                for _ in 0..<8 {
                    _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                }
            }
            let sends = cluster.broker.requests
            #expect(sends.count == 8)
            #expect(Set(sends.compactMap { $0.extFields["e"] }) == ["0", "1", "2", "3"])
            #expect(sends.allSatisfy { $0.extFields["c"] == "TBW102" && $0.extFields["d"] == "4" })
        }
    }

    @Test("a legacy route with a bare {0: key is understood")
    func legacyRoute() async throws {
        try await ProducerHarness.withCluster(FakeClusterScript(legacyRouteJSON: true)) { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            let result = try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
            }
            #expect(result.msgId == "7F00000100002A9F0000000000000108")
            #expect(cluster.broker.requests.count == 1)
        }
    }

    @Test("routes are cached, queues rotate, and one connection per address is reused")
    func cachingAndConnectionReuse() async throws {
        try await ProducerHarness.withCluster { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                for _ in 0..<4 {
                    _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                }
            }
            #expect(cluster.nameServer.requests.count == 1)
            #expect(Set(cluster.broker.requests.compactMap { $0.extFields["e"] }) == ["0", "1", "2", "3"])
            #expect(cluster.broker.connectionCount == 1)
            #expect(cluster.nameServer.connectionCount == 1)
        }
    }

    @Test("a route older than the refresh interval is fetched again")
    func routeRefresh() async throws {
        try await ProducerHarness.withCluster { cluster in
            let configuration = try ProducerHarness.configuration(
                nameServers: cluster.nameServerList,
                routeRefreshInterval: .milliseconds(1)
            )
            try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
                try await Task.sleep(for: .milliseconds(5))
                _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
            }
            #expect(cluster.nameServer.requests.count == 2)
        }
    }

    @Test("concurrent sends share one connection and all succeed")
    func concurrentSends() async throws {
        try await ProducerHarness.withCluster { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            let producer = RocketMQProducer(configuration: configuration)
            let count = try await withThrowingTaskGroup(of: RocketMQSendResult.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await producer.send(body: ProducerHarness.body, tags: "status", keys: ["k\(index)"])
                    }
                }
                return try await group.reduce(0) { count, _ in count + 1 }
            }
            await producer.shutdown()
            #expect(count == 8)
            #expect(cluster.broker.requests.count == 8)
            #expect(cluster.broker.connectionCount == 1)
        }
    }

    @Test("a dead name server is skipped for the next one")
    func nameServerFailover() async throws {
        let dead = try await FakeRemotingServer.start { _ in .hang }
        let deadAddress = dead.address
        await dead.shutdown()
        try await ProducerHarness.withCluster { cluster in
            let configuration = try ProducerHarness.configuration(
                nameServers: "\(deadAddress);\(cluster.nameServerList)")
            let result = try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
            }
            #expect(result.status == .ok)
            #expect(cluster.nameServer.requests.count == 1)
        }
    }

    @Test("after shutdown, sends fail and the connections are closed")
    func shutdown() async throws {
        try await ProducerHarness.withCluster { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            let producer = RocketMQProducer(configuration: configuration)
            _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
            await producer.shutdown()
            await producer.shutdown()
            await #expect(throws: RocketMQError.shutDown) {
                _ = try await producer.send(body: ProducerHarness.body, tags: "status", keys: [])
            }
        }
    }

    @Test("invalid messages are refused before any network use")
    func invalidMessages() async throws {
        try await ProducerHarness.withCluster { cluster in
            let configuration = try ProducerHarness.configuration(nameServers: cluster.nameServerList)
            try await RocketMQProducer.withProducer(configuration: configuration) { producer in
                await #expect(throws: RocketMQError.invalidMessage("message body is empty")) {
                    _ = try await producer.send(body: [], tags: "status", keys: [])
                }
                let error = await #expect(throws: RocketMQError.self) {
                    _ = try await producer.send(
                        body: ProducerHarness.body, tags: "status", keys: [], properties: ["WAIT": "false"])
                }
                #expect(error?.shortDescription == "invalidMessage")
                await #expect(throws: RocketMQError.self) {
                    _ = try await producer.send(
                        body: Array(repeating: 1, count: 5 * 1024 * 1024), tags: "status", keys: [])
                }
            }
            #expect(cluster.nameServer.requests.isEmpty)
            #expect(cluster.broker.requests.isEmpty)
        }
    }
}
