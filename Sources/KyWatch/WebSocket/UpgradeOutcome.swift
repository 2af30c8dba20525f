import NIOCore
import NIOHTTP1
import NIOWebSocket

/// How the server answered the upgrade request.
enum UpgradeOutcome: Sendable {
    /// 101: the connection now carries WebSocket frames.
    case upgraded(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
    /// Any other answer; the connection still speaks HTTP and its next part is the response head.
    case rejected(NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>)
}
