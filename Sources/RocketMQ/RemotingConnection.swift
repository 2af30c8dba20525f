#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// One TCP connection to a name server or broker; many requests share it and replies are matched by `opaque`.
struct RemotingConnection: Sendable {
    /// Where the connection goes.
    let address: RocketMQAddress
    private let channel: any Channel

    private init(address: RocketMQAddress, channel: any Channel) {
        self.address = address
        self.channel = channel
    }

    /// Whether the socket is still open.
    var isActive: Bool { channel.isActive }

    /// Opens a connection within `timeout`; failures become ``RocketMQError`` `connectFailed` or `timeout`.
    static func connect(
        to address: RocketMQAddress,
        group: any EventLoopGroup,
        timeout: Duration,
        maxFrameBytes: Int
    ) -> EventLoopFuture<RemotingConnection> {
        let name = address.description
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(RemotingFrameDecoder(maxFrameBytes: maxFrameBytes))
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        RemotingClientHandler(address: name, maxFrameBytes: maxFrameBytes)
                    )
                }
            }
        return bootstrap.connect(host: address.host, port: address.port)
            .map { RemotingConnection(address: address, channel: $0) }
            .flatMapErrorThrowing { error in
                if case ChannelError.connectTimeout = error {
                    throw RocketMQError.timeout(address: name, operation: "connect")
                }
                throw RocketMQError.connectFailed(address: name, reason: connectFailureReason(error))
            }
    }

    /// The operating system's words for a failed connect ("Connection refused"), not NIO's dump.
    private static func connectFailureReason(_ error: any Error) -> String {
        var underlying: any Error = error
        if let connection = error as? NIOConnectionError, let first = connection.connectionErrors.first {
            underlying = first.error
        } else if let connection = error as? NIOConnectionError, let resolution = connection.dnsAAAAError ?? connection.dnsAError {
            return "cannot resolve \(connection.host): \(resolution)"
        }
        if let io = underlying as? IOError { return String(cString: strerror(io.errnoCode)) }
        return String(describing: underlying)
    }

    /// Sends `command` and waits at most `timeout` for the reply with the same opaque.
    ///
    /// `operation` names the request in a timeout error. Cancelling the calling task fails the wait at once.
    func request(_ command: RemotingCommand, timeout: Duration, operation: String) async throws -> RemotingCommand {
        let name = address.description
        guard timeout > .zero else {
            throw RocketMQError.timeout(address: name, operation: operation)
        }
        let promise = channel.eventLoop.makePromise(of: RemotingCommand.self)
        let request = RemotingClientHandler.Request(
            command: command,
            timeout: TimeAmount(timeout),
            operation: operation,
            promise: promise
        )
        channel.writeAndFlush(request).whenFailure { _ in
            promise.fail(RocketMQError.connectionClosed(address: name))
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            promise.fail(CancellationError())
        }
    }

    /// Closes the socket; outstanding requests fail with `connectionClosed`.
    func close() async {
        try? await channel.close()
    }
}
