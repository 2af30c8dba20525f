import NIOCore

/// Client side of one remoting connection: numbers requests (`opaque`), matches replies to them,
/// and fails each request that outlives its timeout or the connection.
///
/// All state lives on the channel's event loop. A request that times out closes the connection, so a
/// half-open socket cannot stall later sends; the next send opens a new one.
final class RemotingClientHandler: ChannelDuplexHandler {
    typealias InboundIn = RemotingCommand
    typealias OutboundIn = Request
    typealias OutboundOut = ByteBuffer

    /// A request travelling down the pipeline with the promise of its reply.
    struct Request: Sendable {
        var command: RemotingCommand
        var timeout: TimeAmount
        var operation: String
        var promise: EventLoopPromise<RemotingCommand>
    }

    private struct Pending {
        var promise: EventLoopPromise<RemotingCommand>
        var timer: Scheduled<Void>
    }

    private let address: String
    private let maxFrameBytes: Int
    private var pending: [Int32: Pending] = [:]
    private var lastOpaque: Int32 = 0
    private var isClosed = false
    private var context: ChannelHandlerContext?

    init(address: String, maxFrameBytes: Int) {
        self.address = address
        self.maxFrameBytes = maxFrameBytes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(with: .connectionClosed(address: address))
        self.context = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard !isClosed else {
            request.promise.fail(RocketMQError.connectionClosed(address: address))
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let opaque = nextOpaque()
        var command = request.command
        command.opaque = opaque
        var buffer = context.channel.allocator.buffer(capacity: 256 + command.body.count)
        do {
            try command.encode(into: &buffer, maxFrameBytes: maxFrameBytes)
        } catch {
            request.promise.fail(error)
            promise?.fail(error)
            return
        }
        let operation = request.operation
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: request.timeout) {
            self.timedOut(opaque: opaque, operation: operation)
        }
        pending[opaque] = Pending(promise: request.promise, timer: timer)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        // Server-initiated requests (e.g. transaction checks) are not for a send-only producer.
        guard reply.isResponse else { return }
        // A reply whose request already timed out is dropped.
        guard let entry = pending.removeValue(forKey: reply.opaque) else { return }
        entry.timer.cancel()
        entry.promise.succeed(reply)
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        failAll(with: .connectionClosed(address: address))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Frame errors keep their reason; a partial frame at close or a socket error means the connection is gone.
        let failure = (error as? RocketMQError) ?? .connectionClosed(address: address)
        isClosed = true
        failAll(with: failure)
        context.close(promise: nil)
    }

    private func timedOut(opaque: Int32, operation: String) {
        guard let entry = pending.removeValue(forKey: opaque) else { return }
        entry.promise.fail(RocketMQError.timeout(address: address, operation: operation))
        isClosed = true
        context?.close(promise: nil)
    }

    private func failAll(with error: RocketMQError) {
        let entries = pending.values
        pending.removeAll()
        for entry in entries {
            entry.timer.cancel()
            entry.promise.fail(error)
        }
    }

    /// The next positive opaque not in flight.
    private func nextOpaque() -> Int32 {
        repeat {
            lastOpaque = lastOpaque == Int32.max ? 1 : lastOpaque + 1
        } while pending[lastOpaque] != nil
        return lastOpaque
    }
}

@available(*, unavailable)
extension RemotingClientHandler: Sendable {}
