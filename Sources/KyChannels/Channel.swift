/// A destination for kymon's JSON messages: stdout, ComfyUI's WebSocket, Redis, RocketMQ, a webhook.
public protocol Channel: Sendable {
    /// The channel's name as users select it (`--channel NAME`) and as logs name it.
    var name: String { get }

    /// Delivers one message, or throws a `ChannelError` saying why not.
    func send(_ message: ChannelMessage) async throws

    /// Releases connections; called once, after the last send.
    func shutdown() async
}
