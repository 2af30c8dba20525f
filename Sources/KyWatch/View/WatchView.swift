import KyQuery

/// What `kymon watch` shows in one frame: a panel per server, at one moment of kymon's clock.
public struct WatchView: Sendable, Equatable {
    public var servers: [ServerPanel]
    /// Milliseconds since the epoch, from kymon's clock; elapsed times and ETAs are measured against it.
    public var now: Int64

    public init(servers: [ServerPanel] = [], now: Int64) {
        self.servers = servers
        self.now = now
    }
}

/// One server's part of the view: how kymon reaches it and what its prompts are doing.
public struct ServerPanel: Sendable, Equatable {
    /// How kymon follows the server.
    public enum Connection: Sendable, Equatable {
        case connecting
        /// A live WebSocket.
        case connected
        /// The socket is down; the HTTP endpoints are read every few seconds instead.
        case polling(reason: String)
        case down(reason: String)
    }

    public var url: String
    /// ComfyUI's version, when the server reports one.
    public var version: String?
    public var connection: Connection
    /// Whether the kymon bridge (node-level progress) is installed; nil while unknown.
    public var bridge: Bool?
    public var queue: QueueCounts?
    public var running: [PromptInfo]
    /// By queue position.
    public var pending: [PromptInfo]
    /// Completed, failed and interrupted prompts, newest first.
    public var finished: [PromptInfo]
    /// Ids of prompts that vanished from the server (a restart, or removed from the queue).
    public var lost: [String]

    public init(
        url: String, version: String? = nil, connection: Connection = .connecting, bridge: Bool? = nil, queue: QueueCounts? = nil,
        running: [PromptInfo] = [], pending: [PromptInfo] = [], finished: [PromptInfo] = [], lost: [String] = []
    ) {
        self.url = url
        self.version = version
        self.connection = connection
        self.bridge = bridge
        self.queue = queue
        self.running = running
        self.pending = pending
        self.finished = finished
        self.lost = lost
    }
}
