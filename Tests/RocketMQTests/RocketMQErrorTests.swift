import Testing

@testable import RocketMQ

@Suite("Error classification and messages")
struct RocketMQErrorTests {
    static let all: [RocketMQError] = [
        .invalidConfiguration("topic is empty"),
        .invalidMessage("message body is empty"),
        .connectFailed(address: "10.0.0.1:9876", reason: "connection refused"),
        .timeout(address: "10.0.0.1:10911", operation: "send"),
        .brokerError(code: 2, remark: "[PC_SYNCHRONIZED]broker busy", address: "10.0.0.1:10911", operation: "send"),
        .frameTooLarge(length: 5_000_000, limit: 4_194_304),
        .malformedFrame("invalid header json"),
        .noRoute(topic: "kymon_status", reason: "no writable queue on a master broker"),
        .connectionClosed(address: "10.0.0.1:10911"),
        .shutDown,
    ]

    @Test("messages are lower-case and specific", arguments: all)
    func lowerCaseMessages(error: RocketMQError) throws {
        let first = try #require(error.description.first)
        #expect(first.isLowercase)
        #expect(!error.shortDescription.isEmpty)
    }

    @Test("messages name the address or topic")
    func messagesNameContext() {
        #expect(
            RocketMQError.timeout(address: "10.0.0.1:10911", operation: "send").description
                == "rocketmq send with 10.0.0.1:10911 timed out")
        #expect(RocketMQError.noRoute(topic: "kymon_status", reason: "x").description.contains("'kymon_status'"))
        #expect(RocketMQError.connectionClosed(address: "10.0.0.1:10911").description.contains("10.0.0.1:10911"))
        #expect(
            RocketMQError.brokerError(code: 1, remark: "illegal topic", address: "h:1", operation: "send").description
                == "rocketmq server h:1 refused send with code 1 (system error): illegal topic"
        )
    }

    @Test(
        "only transient failures are retriable",
        arguments: [
            (RocketMQError.brokerError(code: 2, remark: "", address: "a", operation: "send"), true),
            (.brokerError(code: 14, remark: "", address: "a", operation: "send"), true),
            (.brokerError(code: 1, remark: "", address: "a", operation: "send"), false),
            (.brokerError(code: 13, remark: "", address: "a", operation: "send"), false),
            (.brokerError(code: 16, remark: "", address: "a", operation: "send"), false),
            (.brokerError(code: 17, remark: "", address: "a", operation: "send"), false),
            (.timeout(address: "a", operation: "send"), true),
            (.connectFailed(address: "a", reason: "refused"), true),
            (.connectionClosed(address: "a"), true),
            (.malformedFrame("x"), false),
            (.frameTooLarge(length: 2, limit: 1), false),
            (.invalidConfiguration("x"), false),
            (.noRoute(topic: "t", reason: "r"), false),
            (.shutDown, false),
        ]
    )
    func retriable(error: RocketMQError, expected: Bool) {
        #expect(error.isRetriable == expected)
    }

    @Test("broker errors expose code and remark")
    func brokerErrorFields() {
        let error = RocketMQError.brokerError(code: 16, remark: "no permission", address: "a", operation: "send")
        #expect(error.responseCode == 16)
        #expect(error.remark == "no permission")
        #expect(RocketMQError.shutDown.responseCode == nil)
        #expect(RocketMQError.shutDown.remark == nil)
    }
}
