import NIOCore

/// Keeps one TCP connection per address, opening it on first use and again after it closed.
actor RemotingConnectionPool {
    private enum Slot {
        case connecting(EventLoopFuture<RemotingConnection>)
        case connected(RemotingConnection)
    }

    private let group: any EventLoopGroup
    private let maxFrameBytes: Int
    private var slots: [RocketMQAddress: Slot] = [:]
    private var isShutDown = false

    init(group: any EventLoopGroup, maxFrameBytes: Int) {
        self.group = group
        self.maxFrameBytes = maxFrameBytes
    }

    /// The open connection to `address`, connecting within `timeout` when there is none.
    ///
    /// Callers that ask while a connect is under way share it.
    func connection(to address: RocketMQAddress, timeout: Duration) async throws -> RemotingConnection {
        guard !isShutDown else { throw RocketMQError.shutDown }
        let future: EventLoopFuture<RemotingConnection>
        switch slots[address] {
        case .connected(let connection) where connection.isActive:
            return connection
        case .connecting(let inFlight):
            future = inFlight
        case .connected, nil:
            guard timeout > .zero else {
                throw RocketMQError.timeout(address: address.description, operation: "connect")
            }
            future = RemotingConnection.connect(
                to: address, group: group, timeout: timeout, maxFrameBytes: maxFrameBytes)
            slots[address] = .connecting(future)
        }
        do {
            let connection = try await future.get()
            if case .connecting(let current) = slots[address], current === future {
                slots[address] = .connected(connection)
            }
            guard !isShutDown else {
                await connection.close()
                throw RocketMQError.shutDown
            }
            return connection
        } catch {
            if case .connecting(let current) = slots[address], current === future {
                slots[address] = nil
            }
            throw error
        }
    }

    /// Closes every connection and refuses new ones.
    func shutdown() async {
        isShutDown = true
        let all = slots.values
        slots.removeAll()
        for slot in all {
            switch slot {
            case .connected(let connection):
                await connection.close()
            case .connecting(let future):
                if let connection = try? await future.get() {
                    await connection.close()
                }
            }
        }
    }
}
