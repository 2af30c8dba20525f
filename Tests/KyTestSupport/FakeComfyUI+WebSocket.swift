import NIOCore
import NIOWebSocket

/// WebSocket upgrades on `/ws` (any query), like ComfyUI's event stream.
///
/// A socket counts as open from just before its greeting is sent: once a client has read the greeting,
/// `sendText` reaches it.
extension FakeComfyUI {
    /// ComfyUI's first frame on a new socket: the queue status, with the client's ID as `sid`.
    public static let comfyUIGreeting: @Sendable (String) -> [String] = { clientID in
        [#"{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": "\#(clientID)"}}"#]
    }

    /// The `clientId` query values of the open sockets (empty when none was given), in connection order.
    public var webSocketClientIDs: [String] { webSockets.clientIDs }

    /// How many sockets were accepted so far.
    public var webSocketConnectionCount: Int { webSockets.connectionCount }

    /// The headers of every upgrade request to `/ws` in arrival order, accepted or not (names lowercased).
    ///
    /// Refused ones, answered as plain HTTP, are in `requests` too.
    public var webSocketUpgradeHeaders: [[String: String]] { webSockets.upgradeHeaders }

    /// How many pongs the clients sent (answers to `sendPing`).
    public var webSocketPongCount: Int { webSockets.pongCount }

    /// The text frames sent right after a socket opens, given its client ID; ComfyUI's by default.
    public var greeting: @Sendable (String) -> [String] {
        get { webSockets.greeting }
        set { webSockets.greeting = newValue }
    }

    /// Sends `text` to every open socket, or to those whose client ID starts with `prefix`; nothing when silent.
    ///
    /// With `fragmentSize`, the message goes as a text frame and continuation frames of at most that many
    /// bytes. Returns once the frames were written.
    public func sendText(_ text: String, toClientIDPrefix prefix: String? = nil, fragmentSize: Int? = nil) async {
        await send(Self.frames(of: Array(text.utf8), fragmentSize: fragmentSize), toClientIDPrefix: prefix)
    }

    /// Sends a binary message (as ComfyUI sends preview images); nothing when silent.
    public func sendBinary(_ bytes: [UInt8], toClientIDPrefix prefix: String? = nil) async {
        await send([.server(.binary, ByteBuffer(bytes: bytes))], toClientIDPrefix: prefix)
    }

    /// Sends a ping to every open socket; nothing when silent. `webSocketPongCount` counts the answers.
    public func sendPing() async {
        await send([.server(.ping, ByteBuffer(string: "kymon"))], toClientIDPrefix: nil)
    }

    /// Sends a close frame (1001, going away) to every open socket and closes it, like ComfyUI shutting down.
    public func closeWebSockets() async {
        var goingAway = ByteBuffer()
        goingAway.write(webSocketErrorCode: .goingAway)
        for channel in webSockets.channels() {
            try? await channel.writeAndFlush(WebSocketFrame.server(.connectionClose, goingAway)).get()
            try? await channel.close()
        }
    }

    /// Closes every socket's TCP connection without a close frame (a crash or a network drop).
    public func dropWebSockets() async {
        for channel in webSockets.channels() {
            try? await channel.close()
        }
    }

    /// When silent, the server sends nothing to any socket (no greeting, frames or pongs) but keeps it open.
    public func setWebSocketsSilent(_ silent: Bool) {
        webSockets.isSilent = silent
    }

    /// When refused, upgrade requests get HTTP 404, as from a server without a working `/ws`.
    public func setWebSocketRefused(_ refused: Bool) {
        webSockets.isRefused = refused
    }

    /// When hanging, upgrade requests are never answered (a server that accepts and then says nothing).
    public func setWebSocketHandshakeHangs(_ hangs: Bool) {
        webSockets.handshakeHangs = hangs
    }

    /// Writes `frames` to the matching open sockets, unless silent; returns once they were written.
    private func send(_ frames: [WebSocketFrame], toClientIDPrefix prefix: String?) async {
        guard !webSockets.isSilent else { return }
        for channel in webSockets.channels(clientIDPrefix: prefix) {
            let written = frames.map { channel.write($0) }
            channel.flush()
            try? await EventLoopFuture.andAllSucceed(written, on: channel.eventLoop).get()
        }
    }

    /// The frames of one text message: a single final frame, or fragments of at most `fragmentSize` bytes.
    private static func frames(of bytes: [UInt8], fragmentSize: Int?) -> [WebSocketFrame] {
        guard let fragmentSize, fragmentSize > 0, bytes.count > fragmentSize else {
            return [.server(.text, ByteBuffer(bytes: bytes))]
        }
        let starts = Array(stride(from: 0, to: bytes.count, by: fragmentSize))
        return starts.enumerated().map { index, start in
            let end = min(start + fragmentSize, bytes.count)
            let opcode: WebSocketOpcode = index == 0 ? .text : .continuation
            return WebSocketFrame(fin: end == bytes.count, opcode: opcode, data: ByteBuffer(bytes: bytes[start..<end]))
        }
    }
}
