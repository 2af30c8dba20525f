/// A destination for kymon's JSON messages: stdout, ComfyUI's WebSocket, Redis, RocketMQ, a webhook.
///
/// Implementations honour task cancellation promptly (the dispatcher cancels an attempt that
/// outlives its timeout) and never put secrets into errors.
public protocol Channel: Sendable {
    /// The channel's name as users select it (`--channel NAME`) and as logs name it.
    var name: String { get }

    /// Delivers one message, or throws a `ChannelError` saying why not.
    func send(_ message: ChannelMessage) async throws

    /// Connects and authenticates without publishing anything, for `kymon doctor`; returns a short summary.
    func check() async throws -> String

    /// Releases connections; called once, after the last send.
    func shutdown() async
}

extension Channel {
    public func check() async throws -> String { "ready" }
}
