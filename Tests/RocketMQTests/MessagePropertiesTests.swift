import Testing

@testable import RocketMQ

@Suite("Message properties string")
struct MessagePropertiesTests {
    @Test("the properties of a message are laid out exactly like the captured Java string")
    func matchesCapturedJavaLayout() throws {
        let captured = try #require(RemotingCommand(frame: Wire.key("java_send_v2_req")).extFields["i"])
        let uniqueKey = try #require(MessageProperties.parse(captured)?["UNIQ_KEY"])
        let ours = try MessageProperties.forMessage(
            tags: "status",
            keys: ["kymon-key-1"],
            uniqueKey: uniqueKey,
            userProperties: ["source": "kymon"]
        )
        #expect(ours.encoded == captured)
        #expect(!ours.encoded.hasSuffix("\u{2}"))
    }

    @Test("the captured python string parses to the same pairs as ours, apart from UNIQ_KEY")
    func matchesCapturedPythonPairs() throws {
        let captured = try #require(RemotingCommand(frame: Wire.key("py_send_v2_req")).extFields["i"])
        let ours = try MessageProperties.forMessage(
            tags: "status", keys: ["py-key-1"], uniqueKey: "X", userProperties: ["source": "kymon"])
        var parsed = try #require(MessageProperties.parse(ours.encoded))
        #expect(parsed.removeValue(forKey: "UNIQ_KEY") == "X")
        #expect(parsed == MessageProperties.parse(captured))
    }

    @Test("keys are space-joined, empty tags and keys are left out, user properties are sorted")
    func layoutRules() throws {
        let properties = try MessageProperties.forMessage(
            tags: "", keys: ["a", "b"], uniqueKey: "U", userProperties: ["z": "1", "m": "2"])
        #expect(properties.encoded == "KEYS\u{1}a b\u{2}m\u{1}2\u{2}z\u{1}1\u{2}UNIQ_KEY\u{1}U\u{2}WAIT\u{1}true")
        let bare = try MessageProperties.forMessage(tags: "t", keys: [], uniqueKey: "U")
        #expect(bare.encoded == "UNIQ_KEY\u{1}U\u{2}WAIT\u{1}true\u{2}TAGS\u{1}t")
    }

    @Test(
        "separators, empty names and reserved names are refused",
        arguments: [
            (tags: "a\u{1}b", keys: [String](), user: [String: String]()),
            (tags: "t", keys: ["k\u{2}"], user: [:]),
            (tags: "t", keys: [""], user: [:]),
            (tags: "t", keys: [], user: ["na\u{1}me": "v"]),
            (tags: "t", keys: [], user: ["name": "v\u{2}"]),
            (tags: "t", keys: [], user: ["": "v"]),
            (tags: "t", keys: [], user: ["TAGS": "v"]),
            (tags: "t", keys: [], user: ["UNIQ_KEY": "v"]),
        ]
    )
    func refusesBadInput(tags: String, keys: [String], user: [String: String]) throws {
        let error = try #require(throws: RocketMQError.self) {
            _ = try MessageProperties.forMessage(tags: tags, keys: keys, uniqueKey: "U", userProperties: user)
        }
        #expect(error.shortDescription == "invalidMessage")
        #expect(!error.description.contains("\u{1}") && !error.description.contains("\u{2}"))
    }

    @Test("unique keys are 32 upper-case hex digits and differ per message")
    func uniqueKeys() {
        let keys = (0..<50).map { _ in MessageProperties.makeUniqueKey() }
        #expect(Set(keys).count == 50)
        for key in keys {
            #expect(key.count == 32)
            #expect(key.allSatisfy { $0.isHexDigit && !$0.isLowercase })
        }
    }

    @Test("parsing accepts a trailing separator and rejects a pair without a name separator")
    func parsing() {
        #expect(MessageProperties.parse("A\u{1}1\u{2}B\u{1}\u{2}") == ["A": "1", "B": ""])
        #expect(MessageProperties.parse("A1") == nil)
    }
}
