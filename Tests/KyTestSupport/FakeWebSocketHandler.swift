import NIOCore
import NIOWebSocket

/// One open WebSocket of `FakeComfyUI`: greets the client, answers pings and closes, as ComfyUI does.
final class FakeWebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let hub: FakeWebSocketHub
    private let clientID: String

    init(hub: FakeWebSocketHub, clientID: String) {
        self.hub = hub
        self.clientID = clientID
    }

    func handlerAdded(context: ChannelHandlerContext) {
        for text in hub.opened(context.channel, clientID: clientID) {
            context.write(wrapOutboundOut(.server(.text, ByteBuffer(string: text))), promise: nil)
        }
        context.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        hub.closed(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard frame.maskKey != nil else {
            // RFC 6455 5.1: a server closes the connection on an unmasked client frame.
            close(context: context, code: .protocolError)
            return
        }
        switch frame.opcode {
        case .ping where !hub.isSilent:
            context.writeAndFlush(wrapOutboundOut(.server(.pong, frame.unmaskedData)), promise: nil)
        case .pong:
            hub.ponged()
        case .connectionClose:
            close(context: context, code: .normalClosure)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Sends a close frame (unless silent), then closes the connection.
    private func close(context: ChannelHandlerContext, code: WebSocketErrorCode) {
        guard !hub.isSilent else {
            context.close(promise: nil)
            return
        }
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.server(.connectionClose, data))).whenComplete { _ in
            boundContext.value.close(promise: nil)
        }
    }
}

extension WebSocketFrame {
    /// A frame from the server: final and unmasked.
    static func server(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, data: data)
    }
}
