/// The message properties string carried in field `i` of a send request:
/// `name\u{1}value` pairs joined by `\u{2}`, with no trailing separator.
public struct MessageProperties: Sendable, Equatable {
    /// Separates a name from its value.
    public static let nameValueSeparator: Character = "\u{1}"
    /// Separates one pair from the next.
    public static let pairSeparator: Character = "\u{2}"

    /// The tag a consumer can filter on.
    public static let tagsName = "TAGS"
    /// Space-separated message keys, indexed by the broker.
    public static let keysName = "KEYS"
    /// `true`: the broker replies after the message is stored.
    public static let waitName = "WAIT"
    /// The client-generated unique message id.
    public static let uniqueKeyName = "UNIQ_KEY"

    /// Names the broker interprets; user properties may not use them.
    public static let reservedNames: Set<String> = [
        tagsName, keysName, waitName, uniqueKeyName, "DELAY", "RETRY_TOPIC", "REAL_TOPIC", "REAL_QID",
        "TRAN_MSG", "PGROUP", "MIN_OFFSET", "MAX_OFFSET", "BUYER_ID", "ORIGIN_MESSAGE_ID", "TRANSFER_FLAG",
        "CORRECTION_FLAG", "MQ2_FLAG", "RECONSUME_TIME", "MSG_REGION", "TRACE_ON", "MAX_RECONSUME_TIMES",
        "CONSUME_START_TIME", "CLUSTER", "__STARTDELIVERTIME",
    ]

    /// One property.
    public struct Pair: Sendable, Equatable {
        /// The property name.
        public var name: String
        /// The property value.
        public var value: String

        /// Creates a pair.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The properties in wire order.
    public private(set) var pairs: [Pair]

    /// Creates properties from pairs in the given order, rejecting empty names and separator characters.
    public init(_ pairs: [Pair]) throws {
        for pair in pairs {
            guard !pair.name.isEmpty else {
                throw RocketMQError.invalidMessage("a property has an empty name")
            }
            guard !Self.containsSeparator(pair.name) else {
                throw RocketMQError.invalidMessage(
                    "property name '\(Self.printable(pair.name))' contains a \\u0001 or \\u0002 separator")
            }
            guard !Self.containsSeparator(pair.value) else {
                throw RocketMQError.invalidMessage(
                    "value of property '\(pair.name)' contains a \\u0001 or \\u0002 separator")
            }
        }
        self.pairs = pairs
    }

    /// The properties of one message, laid out as the Java client writes them:
    /// `KEYS`, user properties (sorted by name), `UNIQ_KEY`, `WAIT=true`, `TAGS`.
    ///
    /// An empty `tags` or `keys` leaves that property out. User properties may not use ``reservedNames``.
    public static func forMessage(
        tags: String,
        keys: [String],
        uniqueKey: String,
        userProperties: [String: String] = [:]
    ) throws -> MessageProperties {
        for (index, key) in keys.enumerated() where key.isEmpty || containsSeparator(key) {
            throw RocketMQError.invalidMessage(
                "message key #\(index + 1) is empty or contains a \\u0001 or \\u0002 separator")
        }
        guard !containsSeparator(tags) else {
            throw RocketMQError.invalidMessage("tags contain a \\u0001 or \\u0002 separator")
        }
        var pairs: [Pair] = []
        if !keys.isEmpty {
            pairs.append(Pair(name: keysName, value: keys.joined(separator: " ")))
        }
        for name in userProperties.keys.sorted() {
            guard !reservedNames.contains(name) else {
                throw RocketMQError.invalidMessage("property name '\(name)' is reserved by rocketmq")
            }
            pairs.append(Pair(name: name, value: userProperties[name] ?? ""))
        }
        pairs.append(Pair(name: uniqueKeyName, value: uniqueKey))
        pairs.append(Pair(name: waitName, value: "true"))
        if !tags.isEmpty {
            pairs.append(Pair(name: tagsName, value: tags))
        }
        return try MessageProperties(pairs)
    }

    /// The wire string: pairs joined by `\u{2}`, no trailing separator.
    public var encoded: String {
        pairs.map { "\($0.name)\(Self.nameValueSeparator)\($0.value)" }.joined(separator: String(Self.pairSeparator))
    }

    /// Parses a properties string into a dictionary (a trailing separator is allowed); `nil` if a pair has no name separator.
    public static func parse(_ encoded: String) -> [String: String]? {
        var result: [String: String] = [:]
        for pair in encoded.split(separator: pairSeparator, omittingEmptySubsequences: true) {
            guard let separator = pair.firstIndex(of: nameValueSeparator) else { return nil }
            result[String(pair[..<separator])] = String(pair[pair.index(after: separator)...])
        }
        return result
    }

    /// A fresh unique key: 16 random bytes as 32 upper-case hex digits.
    public static func makeUniqueKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789ABCDEF")
        var key = ""
        key.reserveCapacity(32)
        for _ in 0..<16 {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            key.append(digits[Int(byte >> 4)])
            key.append(digits[Int(byte & 0x0F)])
        }
        return key
    }

    private static func containsSeparator(_ text: String) -> Bool {
        text.contains(nameValueSeparator) || text.contains(pairSeparator)
    }

    /// `text` with `\u{1}` and `\u{2}` shown as `\u0001` and `\u0002`.
    private static func printable(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case nameValueSeparator: result += "\\u0001"
            case pairSeparator: result += "\\u0002"
            default: result.append(character)
            }
        }
        return result
    }
}
