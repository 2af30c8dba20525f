import NIOCore
import NIOWebSocket

extension WebSocketFrame {
    /// A frame from the client, masked with a fresh key as RFC 6455 requires.
    static func client(_ opcode: WebSocketOpcode, _ data: ByteBuffer = ByteBuffer()) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data)
    }
}
