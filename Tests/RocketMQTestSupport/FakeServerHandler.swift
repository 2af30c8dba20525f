import NIOCore
import RocketMQ

/// Records each decoded request and carries out the responder's ``FakeResponse``.
final class FakeServerHandler: ChannelInboundHandler {
    typealias InboundIn = RemotingCommand
    typealias OutboundOut = ByteBuffer

    private let record: @Sendable (RemotingCommand) -> Void
    private let responder: FakeRemotingServer.Responder

    init(record: @escaping @Sendable (RemotingCommand) -> Void, responder: @escaping FakeRemotingServer.Responder) {
        self.record = record
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = unwrapInboundIn(data)
        record(request)
        switch responder(request) {
        case .frame(let bytes):
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
        case .hang:
            break
        case .close:
            context.close(promise: nil)
        case .closeMidFrame(let bytes):
            let half = ByteBuffer(bytes: bytes.prefix(bytes.count / 2))
            context.writeAndFlush(wrapOutboundOut(half)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension FakeServerHandler: Sendable {}
