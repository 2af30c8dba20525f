/// The scriptable state of a ``FakeRocketMQCluster``.
public struct FakeClusterScript: Sendable {
    /// Topics the name server has a route for; a send through TBW102 adds its topic, as a real broker does.
    public var knownTopics: Set<String>
    /// Answer route lookups with the captured legacy JSON (`{0:"…"}`).
    public var legacyRouteJSON: Bool
    /// Whether a send for an unknown topic with `c`=TBW102 creates the topic (`autoCreateTopicEnable`).
    public var autoCreateTopics: Bool
    /// Whether a topic the broker auto-creates is registered with the name server at once (as a real
    /// broker does); `false` keeps the name server answering 17, so every send goes through TBW102.
    public var registerCreatedTopics: Bool
    /// Answers for the next sends, used up in order; when empty, sends get ``FakeSendBehaviour/ok``.
    public var sendBehaviours: [FakeSendBehaviour]
    /// Queue count per auto-created topic (`min(d, 8)`); a known topic has the captured route's 4.
    public var createdQueueNums: [String: Int]

    /// Creates a script; by default the captured topic `kymon_test` is known.
    public init(
        knownTopics: Set<String> = [CapturedReplies.capturedTopic],
        legacyRouteJSON: Bool = false,
        autoCreateTopics: Bool = true,
        registerCreatedTopics: Bool = true,
        sendBehaviours: [FakeSendBehaviour] = []
    ) {
        self.knownTopics = knownTopics
        self.legacyRouteJSON = legacyRouteJSON
        self.autoCreateTopics = autoCreateTopics
        self.registerCreatedTopics = registerCreatedTopics
        self.sendBehaviours = sendBehaviours
        self.createdQueueNums = [:]
    }
}
