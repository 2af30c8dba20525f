/// Where and how the `redis` channel publishes: server, credentials, database, target and limits.
///
/// The password is a secret: ``description`` and the reflection shown by `dump` replace it with `***`,
/// and no error of the channel quotes it.
public struct RedisConfiguration: Sendable, Equatable {
    /// How a message reaches redis.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// `PUBLISH <channelName> <json>`: delivered to the subscribers connected at that moment.
        case pubsub
        /// `XADD <streamKey> MAXLEN ~ <n> * data <json>`: kept in a capped stream for later readers.
        case stream
    }

    /// The server's host name or IP address.
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// The ACL user for `AUTH user password`; used only together with ``password``.
    public var username: String?
    /// The password for `AUTH`; no `AUTH` is sent when it is `nil`.
    public var password: String?
    /// The database index selected after connecting.
    public var db: Int
    /// The pub/sub channel that pubsub mode publishes to.
    public var channelName: String
    /// Whether messages are published or appended to a stream.
    public var mode: Mode
    /// The stream that stream mode appends to; follows ``channelName`` unless set.
    public var streamKey: String {
        get { explicitStreamKey ?? channelName }
        set { explicitStreamKey = newValue }
    }
    /// The approximate cap of the stream (`MAXLEN ~ n`); 0 or less appends without trimming.
    public var streamMaxLength: Int
    /// How long opening the TCP connection may take.
    public var connectTimeout: Duration
    /// How long one command (sending it and reading its reply) may take.
    public var commandTimeout: Duration
    /// How many times a send is tried again after a retriable failure (connection loss, timeout).
    public var retries: Int
    /// The pause before the first retry; doubled for each further one.
    public var backoff: Duration

    private var explicitStreamKey: String?

    /// Creates a configuration; every argument has the channel's default.
    public init(
        host: String = "localhost",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        db: Int = 0,
        channelName: String = "comfyui_monitor",
        mode: Mode = .pubsub,
        streamKey: String? = nil,
        streamMaxLength: Int = 10_000,
        connectTimeout: Duration = .seconds(5),
        commandTimeout: Duration = .seconds(5),
        retries: Int = 2,
        backoff: Duration = .milliseconds(200)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.db = db
        self.channelName = channelName
        self.mode = mode
        self.explicitStreamKey = streamKey
        self.streamMaxLength = streamMaxLength
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.retries = retries
        self.backoff = backoff
    }

    /// `host:port` as errors name the server; an IPv6 address is bracketed.
    public var address: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
