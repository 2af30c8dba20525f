import Logging
import NIOCore
import NIOPosix

/// A client for `ws://` and `wss://` WebSocket servers, enough to follow ComfyUI's `/ws` event stream.
public enum WebSocketClient {
    /// Connects, upgrades, then calls `onText` with every text message, one at a time and in order, until
    /// the server closes the socket (returns normally) or the connection fails (throws `WebSocketError`).
    ///
    /// `onConnected` runs once the upgrade succeeded, before the first message. Binary messages are skipped
    /// (ComfyUI sends preview images as binary) and pings are answered. A ping goes out every `pingInterval`;
    /// when no frame of any kind arrives for `silenceTimeout` (while `onText` is not running), throws `.silent`.
    /// An error thrown by `onText` ends the connection and is rethrown unchanged. Cancelling the calling task
    /// closes the socket at once and throws `CancellationError`.
    public static func run(
        _ endpoint: WebSocketEndpoint,
        configuration: WebSocketConfiguration = WebSocketConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        onConnected: @Sendable () async -> Void = {},
        onText: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        let session = WebSocketSession(endpoint: endpoint, configuration: configuration, logger: logger)
        do {
            try await withTaskCancellationHandler {
                let upgrade = try await session.connect(on: eventLoopGroup)
                let socket = try await session.handshake(upgrade)
                try await session.converse(over: socket, onConnected: onConnected, onText: onText)
            } onCancel: {
                session.closer.close(.cancelled)
            }
        } catch where Task.isCancelled {
            throw CancellationError()
        }
    }
}
