import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RocketMQ

/// An in-process remoting server on 127.0.0.1 with a kernel-chosen port.
///
/// It decodes request frames, records them, and answers as its responder says.
public final class FakeRemotingServer: Sendable {
    /// Decides the answer to one request.
    public typealias Responder = @Sendable (RemotingCommand) -> FakeResponse

    private struct State {
        var requests: [RemotingCommand] = []
        var connections: [any Channel] = []
        var connectionCount = 0
    }

    /// The bound port.
    public let port: Int
    private let serverChannel: any Channel
    private let state: NIOLockedValueBox<State>

    private init(port: Int, serverChannel: any Channel, state: NIOLockedValueBox<State>) {
        self.port = port
        self.serverChannel = serverChannel
        self.state = state
    }

    /// `127.0.0.1:<port>`.
    public var address: String { "127.0.0.1:\(port)" }

    /// Every request received so far, in order.
    public var requests: [RemotingCommand] { state.withLockedValue { $0.requests } }

    /// How many client connections were accepted so far.
    public var connectionCount: Int { state.withLockedValue { $0.connectionCount } }

    /// Binds 127.0.0.1 port 0 and starts answering with `responder`.
    public static func start(responder: @escaping Responder) async throws -> FakeRemotingServer {
        let state = NIOLockedValueBox(State())
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                state.withLockedValue {
                    $0.connections.append(child)
                    $0.connectionCount += 1
                }
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(RemotingFrameDecoder(maxFrameBytes: 16 * 1024 * 1024))
                    )
                    try child.pipeline.syncOperations.addHandler(
                        FakeServerHandler(
                            record: { request in state.withLockedValue { $0.requests.append(request) } },
                            responder: responder
                        )
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw RocketMQError.connectFailed(address: "127.0.0.1:0", reason: "fake server has no local port")
        }
        return FakeRemotingServer(port: port, serverChannel: channel, state: state)
    }

    /// Closes the listening socket and every accepted connection.
    public func shutdown() async {
        try? await serverChannel.close()
        let connections = state.withLockedValue { state in
            defer { state.connections.removeAll() }
            return state.connections
        }
        for connection in connections {
            try? await connection.close()
        }
    }
}
