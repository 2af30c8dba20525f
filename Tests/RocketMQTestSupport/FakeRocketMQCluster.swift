import NIOConcurrencyHelpers
import RocketMQ

/// A fake name server and a fake master broker (`broker-a`) that answer with captured reply frames.
///
/// Only the `opaque` (and, in route bodies, the broker address, so it points at the fake broker's real
/// port) is patched; everything else is byte-identical to the capture. Codes the capture lacks (2, 14,
/// 17 from a broker) are the captured code-1 reply with `code` and `remark` patched.
public final class FakeRocketMQCluster: Sendable {
    /// The route lookup request code.
    static let routeCode = 105
    /// The SEND_MESSAGE_V2 request code.
    static let sendCode = 310

    /// The fake name server.
    public let nameServer: FakeRemotingServer
    /// The fake broker that every route points to.
    public let broker: FakeRemotingServer
    private let script: NIOLockedValueBox<FakeClusterScript>

    private init(
        nameServer: FakeRemotingServer, broker: FakeRemotingServer, script: NIOLockedValueBox<FakeClusterScript>
    ) {
        self.nameServer = nameServer
        self.broker = broker
        self.script = script
    }

    /// Starts both servers on 127.0.0.1 with kernel-chosen ports.
    public static func start(replies: CapturedReplies, script: FakeClusterScript = FakeClusterScript()) async throws
        -> FakeRocketMQCluster
    {
        let box = NIOLockedValueBox(script)
        let broker = try await FakeRemotingServer.start { request in
            brokerResponse(to: request, replies: replies, script: box)
        }
        let brokerAddress = broker.address
        let nameServer: FakeRemotingServer
        do {
            nameServer = try await FakeRemotingServer.start { request in
                nameServerResponse(to: request, replies: replies, script: box, brokerAddress: brokerAddress)
            }
        } catch {
            await broker.shutdown()
            throw error
        }
        return FakeRocketMQCluster(nameServer: nameServer, broker: broker, script: box)
    }

    /// The name server list for a producer configuration.
    public var nameServerList: String { nameServer.address }

    /// The current script.
    public var currentScript: FakeClusterScript { script.withLockedValue { $0 } }

    /// Changes the script, for instance to queue send behaviours.
    public func updateScript(_ change: (inout FakeClusterScript) -> Void) {
        script.withLockedValue { change(&$0) }
    }

    /// Stops both servers.
    public func shutdown() async {
        await nameServer.shutdown()
        await broker.shutdown()
    }

    private static func nameServerResponse(
        to request: RemotingCommand,
        replies: CapturedReplies,
        script: NIOLockedValueBox<FakeClusterScript>,
        brokerAddress: String
    ) -> FakeResponse {
        guard request.code == routeCode, let topic = request.extFields["topic"] else {
            return respond(replies.requestCodeNotSupported, to: request)
        }
        let state = script.withLockedValue { $0 }
        if topic == "TBW102" {
            return respond(replies.routeTemplate, to: request, brokerAddress: brokerAddress)
        }
        if state.knownTopics.contains(topic) {
            let route = state.legacyRouteJSON ? replies.routeLegacy : replies.routeStandard
            return respond(route, to: request, brokerAddress: brokerAddress)
        }
        guard topic != CapturedReplies.capturedTopic else {
            return respond(replies.topicNotExist, to: request)
        }
        let remark =
            "No topic route info in name server for the topic: \(topic)\nSee http://rocketmq.apache.org/docs/faq/ for further details."
        guard let patched = try? replies.topicNotExist.withRemark(remark) else { return .hang }
        return respond(patched, to: request)
    }

    private static func brokerResponse(
        to request: RemotingCommand,
        replies: CapturedReplies,
        script: NIOLockedValueBox<FakeClusterScript>
    ) -> FakeResponse {
        guard request.code == sendCode else {
            return respond(replies.requestCodeNotSupported, to: request)
        }
        let behaviour = script.withLockedValue { state -> FakeSendBehaviour in
            let scripted = state.sendBehaviours.isEmpty ? .ok : state.sendBehaviours.removeFirst()
            guard scripted == .ok else { return scripted }
            return admit(request, state: &state)
        }
        switch behaviour {
        case .ok:
            return respond(replies.sendOK, to: request)
        case .reject(let code, let remark):
            guard let frame = try? rejection(code: code, remark: remark, replies: replies) else { return .hang }
            return respond(frame, to: request)
        case .hang:
            return .hang
        case .closeWithoutReply:
            return .close
        case .closeMidFrame:
            guard let bytes = try? replies.sendOK.withOpaque(request.opaque).bytes else { return .hang }
            return .closeMidFrame(bytes)
        }
    }

    /// The captured code-1 reply with `code` and, when given, `remark` patched in.
    private static func rejection(code: Int, remark: String?, replies: CapturedReplies) throws -> CapturedFrame {
        var frame = replies.sendSystemError
        if code != 1 { frame = try frame.settingHeaderValue("code", json: String(code)) }
        if let remark { frame = try frame.withRemark(remark) }
        return frame
    }

    /// The checks a real broker makes: auto-create an unknown topic sent through TBW102, and refuse
    /// a queue id beyond the topic's queue count.
    private static func admit(_ request: RemotingCommand, state: inout FakeClusterScript) -> FakeSendBehaviour {
        let topic = request.extFields["b"] ?? ""
        if !state.knownTopics.contains(topic), state.createdQueueNums[topic] == nil {
            guard state.autoCreateTopics, request.extFields["c"] == "TBW102",
                let queues = request.extFields["d"].flatMap({ Int($0) })
            else {
                return .reject(code: 17, remark: "topic[\(topic)] not exist, apply first please!")
            }
            state.createdQueueNums[topic] = min(queues, 8)
            if state.registerCreatedTopics { state.knownTopics.insert(topic) }
        }
        let queueCount = state.createdQueueNums[topic] ?? 4
        guard let queueId = request.extFields["e"].flatMap({ Int($0) }), (0..<queueCount).contains(queueId) else {
            return .reject(code: 1, remark: "request queueId[\(request.extFields["e"] ?? "")] is illegal")
        }
        return .ok
    }

    private static func respond(_ frame: CapturedFrame, to request: RemotingCommand, brokerAddress: String? = nil)
        -> FakeResponse
    {
        var patched = frame
        if let brokerAddress {
            patched = patched.replacingInBody(CapturedReplies.capturedBrokerAddress, with: brokerAddress)
        }
        guard let bytes = try? patched.withOpaque(request.opaque).bytes else { return .hang }
        return .frame(bytes)
    }
}
