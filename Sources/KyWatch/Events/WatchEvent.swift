import KyQuery

/// One line of `kymon watch`'s event stream: the `kymon.event/1` document without its `seq`.
public struct WatchEvent: Sendable, Equatable {
    /// What happened. Raw values are the contract's event words.
    public enum Kind: String, Sendable, CaseIterable {
        /// A new pending prompt.
        case queued
        /// A prompt began to run.
        case started
        /// A running prompt's progress moved (throttled per prompt).
        case progress
        /// A running prompt moved to another node.
        case node
        case completed, failed, interrupted
        /// Left the queue without a history entry (deleted or cleared).
        case removed
        /// Gone because the server restarted; its outcome is unknown.
        case lost
        case serverUp = "server_up"
        case serverDown = "server_down"

        /// The event a finished prompt of `status` produces.
        static func finished(_ status: PromptStatus) -> Kind {
            switch status {
            case .completed: return .completed
            case .interrupted: return .interrupted
            default: return .failed
            }
        }
    }

    /// What server events say about the server.
    public struct ServerDetail: Sendable, Equatable {
        public var version: String?
        public var bridge: Bool?
        /// Why the server is down, or how it is being read.
        public var reason: String?

        public init(version: String? = nil, bridge: Bool? = nil, reason: String? = nil) {
            self.version = version
            self.bridge = bridge
            self.reason = reason
        }
    }

    public var kind: Kind
    /// The server's URL without credentials.
    public var server: String
    /// kymon's clock, ms since the epoch.
    public var at: Int64
    /// The prompt, for prompt events.
    public var info: PromptInfo?
    /// For `server_up` and `server_down`.
    public var detail: ServerDetail?

    public init(kind: Kind, server: String, at: Int64, info: PromptInfo? = nil, detail: ServerDetail? = nil) {
        self.kind = kind
        self.server = server
        self.at = at
        self.info = info
        self.detail = detail
    }
}
