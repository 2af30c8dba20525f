/// One frame of the RocketMQ remoting protocol: a JSON header (code, opaque, flags, `extFields`) and a raw body.
public struct RemotingCommand: Sendable, Equatable {
    /// The `language` this client announces; servers accept it.
    public static let defaultLanguage = "OTHER"
    /// The protocol `version` this client announces (409 = V4_9_8); ≥ 401 asks for standard route JSON.
    public static let defaultVersion = 409
    /// The largest frame accepted by default, counted by the length field (4 MiB).
    public static let defaultMaxFrameBytes = 4 * 1024 * 1024

    /// Flag bit 0: the frame is a reply.
    public static let responseFlag = 1
    /// Flag bit 1: the request expects no reply.
    public static let onewayFlag = 2

    /// The request code, or the reply code when ``isResponse``.
    public var code: Int
    /// The sender's language, `OTHER` for frames this client writes.
    public var language: String
    /// The sender's protocol version.
    public var version: Int
    /// The request id; a reply echoes it.
    public var opaque: Int32
    /// Bit 0 marks a reply, bit 1 a oneway request.
    public var flag: Int
    /// Free text a server adds to a reply, often an error explanation.
    public var remark: String?
    /// The per-code header fields; values are strings on the wire.
    public var extFields: [String: String]
    /// The raw payload after the header.
    public var body: [UInt8]

    /// Creates a command; the defaults describe a request from this client.
    public init(
        code: Int,
        language: String = RemotingCommand.defaultLanguage,
        version: Int = RemotingCommand.defaultVersion,
        opaque: Int32 = 0,
        flag: Int = 0,
        remark: String? = nil,
        extFields: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.code = code
        self.language = language
        self.version = version
        self.opaque = opaque
        self.flag = flag
        self.remark = remark
        self.extFields = extFields
        self.body = body
    }

    /// Whether this frame is a reply.
    public var isResponse: Bool { flag & Self.responseFlag != 0 }

    /// Whether this request expects no reply.
    public var isOneway: Bool { flag & Self.onewayFlag != 0 }
}
