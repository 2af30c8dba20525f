import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An in-process stand-in for a ComfyUI server on 127.0.0.1 (port 0), serving recorded bytes, over
/// plain HTTP or, when started with a TLS configuration, over HTTPS (and `wss://`).
///
/// Routes map a request target (path plus query, exactly as sent) to a canned response; anything
/// else gets 404 with an empty body, as ComfyUI does for unknown routes. The same port accepts
/// WebSocket upgrades on `/ws` (see `FakeComfyUI+WebSocket.swift`).
public final class FakeComfyUI: Sendable {
    /// A canned answer.
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]
        /// Accept the request and never answer (a hung server).
        public var hangs = false
        /// How long to wait before answering (a slow server).
        public var delay: Duration = .zero
        /// A body made on the fly after `body` instead of sent from memory (see `StreamedBody`).
        public var stream: StreamedBody?

        public init(
            status: Int = 200, contentType: String = "application/json; charset=utf-8", body: [UInt8], hangs: Bool = false, delay: Duration = .zero,
            stream: StreamedBody? = nil
        ) {
            self.status = status
            self.contentType = contentType
            self.body = body
            self.hangs = hangs
            self.delay = delay
            self.stream = stream
        }

        /// The start of a well-formed history entry whose UI workflow holds a string of `bytes` `x`
        /// (or one that never ends when nil), made chunk by chunk as the client reads, so even
        /// gigabytes cost the server no memory; `pause` slows the trickle. A reader that decodes
        /// as the body arrives finds nothing wrong until the body stops.
        public static func endlessHistory(bytes: Int? = nil, declaresLength: Bool = false, pause: Duration? = nil) -> Response {
            let prefix = Array(#"{"a": {"prompt": [1, "a", {}, {"extra_pnginfo": {"workflow": {"note": ""#.utf8)
            let stream = StreamedBody(fill: UInt8(ascii: "x"), count: bytes, declaresLength: declaresLength, pause: pause)
            return Response(body: prefix, stream: stream)
        }

        /// A server that accepts the connection and the request, then says nothing.
        public static let hang = Response(body: [], hangs: true)

        /// A JSON body from text.
        public static func json(_ text: String, status: Int = 200, delay: Duration = .zero) -> Response {
            Response(status: status, body: Array(text.utf8), delay: delay)
        }
    }

    /// Filler bytes sent after a response's `body`, written only as fast as the client takes them.
    public struct StreamedBody: Sendable {
        /// The byte repeated.
        public var fill: UInt8
        /// How many filler bytes; nil never ends.
        public var count: Int?
        /// Sends `Content-Length` (body plus `count`) instead of chunked encoding.
        public var declaresLength: Bool
        /// Wait between chunks; paused bodies trickle in 1 KiB chunks, others flow in 1 MiB ones.
        public var pause: Duration?

        public init(fill: UInt8, count: Int?, declaresLength: Bool = false, pause: Duration? = nil) {
            self.fill = fill
            self.count = count
            self.declaresLength = declaresLength
            self.pause = pause
        }
    }

    /// A request the server received.
    public struct Request: Sendable, Equatable {
        public var method: String
        public var target: String
        public var headers: [String: String]
        public var body: [UInt8]
    }

    private let channel: any Channel
    private let routes: NIOLockedValueBox<[String: Response]>
    private let received: NIOLockedValueBox<[Request]>
    private let accepted: NIOLockedValueBox<Int>
    /// The open WebSockets and their knobs.
    let webSockets: FakeWebSocketHub

    /// The port the server listens on.
    public let port: Int
    /// True when the server speaks TLS.
    public let isSecure: Bool

    /// `http://127.0.0.1:<port>`, or `https://…` with TLS.
    public var baseURL: String { "\(isSecure ? "https" : "http")://127.0.0.1:\(port)" }

    /// How many TCP connections the server accepted, including those whose TLS handshake failed.
    public var connectionCount: Int { accepted.withLockedValue { $0 } }

    /// Every request so far, in arrival order.
    public var requests: [Request] { received.withLockedValue { $0 } }

    /// Replaces or adds a route while running.
    public func setRoute(_ target: String, _ response: Response) {
        routes.withLockedValue { $0[target] = response }
    }

    private init(
        channel: any Channel,
        routes: NIOLockedValueBox<[String: Response]>,
        received: NIOLockedValueBox<[Request]>,
        accepted: NIOLockedValueBox<Int>,
        webSockets: FakeWebSocketHub,
        isSecure: Bool
    ) throws {
        self.accepted = accepted
        self.isSecure = isSecure
        self.channel = channel
        self.routes = routes
        self.received = received
        self.webSockets = webSockets
        guard let port = channel.localAddress?.port else { throw FakeServerError.noPort }
        self.port = port
    }

    /// Starts a server answering `routes`; with `tls`, over TLS only.
    public static func start(routes: [String: Response], tls: TLSConfiguration? = nil) async throws -> FakeComfyUI {
        let tlsContext = try tls.map(NIOSSLContext.init)
        let routeBox = NIOLockedValueBox(routes)
        let requestBox = NIOLockedValueBox<[Request]>([])
        let accepted = NIOLockedValueBox(0)
        let webSockets = FakeWebSocketHub()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    accepted.withLockedValue { $0 += 1 }
                    if let tlsContext { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: webSockets.upgradeConfiguration(replacing: RouteHandler.name),
                        withErrorHandling: true
                    )
                    try channel.pipeline.syncOperations.addHandler(RouteHandler(routes: routeBox, received: requestBox), name: RouteHandler.name)
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return try FakeComfyUI(channel: channel, routes: routeBox, received: requestBox, accepted: accepted, webSockets: webSockets, isSecure: tls != nil)
    }

    /// Stops listening and drops the open WebSockets.
    public func stop() async throws {
        await dropWebSockets()
        try await channel.close()
    }

    /// Runs `body` with a started server and stops it afterwards, whatever happens.
    public static func with<Result>(
        routes: [String: Response], tls: TLSConfiguration? = nil, _ body: (FakeComfyUI) async throws -> Result
    ) async throws -> Result {
        let server = try await start(routes: routes, tls: tls)
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }
}

/// The fake server could not start.
public enum FakeServerError: Error {
    case noPort
}

private final class RouteHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Its name in the pipeline, to remove it when the connection becomes a WebSocket.
    static let name = "routes"

    private let routes: NIOLockedValueBox<[String: FakeComfyUI.Response]>
    private let received: NIOLockedValueBox<[FakeComfyUI.Request]>
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(routes: NIOLockedValueBox<[String: FakeComfyUI.Response]>, received: NIOLockedValueBox<[FakeComfyUI.Request]>) {
        self.routes = routes
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
        case .body(let chunk):
            body += chunk.readableBytesView
        case .end:
            guard let head else { return }
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            let request = FakeComfyUI.Request(method: head.method.rawValue, target: head.uri, headers: headers, body: body)
            received.withLockedValue { $0.append(request) }
            let response = routes.withLockedValue { $0[head.uri] } ?? FakeComfyUI.Response(status: 404, contentType: "text/plain", body: [])
            self.head = nil
            if response.hangs { return }
            if response.delay > .zero {
                context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(response.delay)) { self.respond(context: context, with: response) }
            } else {
                respond(context: context, with: response)
            }
        }
    }

    private func respond(context: ChannelHandlerContext, with response: FakeComfyUI.Response) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        if let stream = response.stream {
            if stream.declaresLength, let count = stream.count {
                headers.add(name: "Content-Length", value: String(response.body.count + count))
            } else {
                headers.add(name: "Transfer-Encoding", value: "chunked")
            }
        } else {
            headers.add(name: "Content-Length", value: String(response.body.count))
        }
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        if let stream = response.stream {
            context.flush()
            sendFiller(stream, remaining: stream.count, chunk: ByteBuffer(repeating: stream.fill, count: stream.pause == nil ? 1 << 20 : 1 << 10), context: context)
            return
        }
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in boundContext.value.close(promise: nil) }
    }

    /// Writes the next chunk once the previous one reached the socket, so the client's reading
    /// paces the server; stops when the client goes away.
    private func sendFiller(_ stream: FakeComfyUI.StreamedBody, remaining: Int?, chunk: ByteBuffer, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if let remaining, remaining <= 0 {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        let size = min(remaining ?? chunk.readableBytes, chunk.readableBytes)
        let next = remaining.map { $0 - size }
        let written = context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunk.getSlice(at: 0, length: size)!))))
        written.assumeIsolated().whenSuccess {
            // Scheduled, never called directly: a write that completes at once would otherwise recurse.
            context.eventLoop.assumeIsolated().scheduleTask(in: stream.pause.map { TimeAmount($0) } ?? .zero) {
                self.sendFiller(stream, remaining: next, chunk: chunk, context: context)
            }
        }
    }
}
