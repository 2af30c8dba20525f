/// One message for the channels: a compact UTF-8 JSON document plus routing hints.
public struct ChannelMessage: Sendable, Equatable {
    /// The JSON document.
    public var body: [UInt8]
    /// A short classifier (RocketMQ's TAGS): `snapshot`, or an event's status.
    public var tag: String
    /// Prompt ids the message is about (RocketMQ's KEYS).
    public var keys: [String]

    public init(body: [UInt8], tag: String, keys: [String] = []) {
        self.body = body
        self.tag = tag
        self.keys = keys
    }
}
