/// A channel that could not deliver, with its name and the reason.
public struct ChannelError: Error, Sendable, Equatable, CustomStringConvertible {
    public let channel: String
    public let reason: String
    /// True when a later attempt may succeed (connection loss, timeouts).
    public let isRetriable: Bool

    public init(channel: String, reason: String, isRetriable: Bool) {
        self.channel = channel
        self.reason = reason
        self.isRetriable = isRetriable
    }

    public var description: String { "channel \(channel): \(reason)" }
}
