import KyQuery

/// The `stdout` channel: each message as one line of JSON on standard output.
public struct StdoutChannel: Channel {
    public let name = "stdout"

    public init() {}

    public func send(_ message: ChannelMessage) async throws {
        do {
            try StandardOutput.write(message.body + [0x0A])
        } catch {
            throw ChannelError(channel: name, reason: error.description, isRetriable: false)
        }
    }

    public func shutdown() async {}
}
