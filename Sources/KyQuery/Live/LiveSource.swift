import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A running ComfyUI server read over HTTP: `GET /queue` and `GET /history?max_items=N`.
///
/// Every request has a deadline and every body a size cap; no `Origin` header is sent, so
/// ComfyUI's origin check lets the requests through.
public struct LiveSource: SnapshotSource {
    public let server: ServerURL
    /// The `max_items` window asked of `/history`.
    public let historyMaxItems: Int
    /// Deadline for each whole request, body included.
    public let timeout: Duration
    /// Largest body accepted.
    public let maximumBodyBytes: Int
    private let client: HTTPClient
    private let logger: Logger
    /// Sent with every request (proxy authentication and the like); they replace kymon's own.
    private let extraHeaders: [(name: String, value: String)]
    /// The kymon bridge's token, sent as `X-Kymon-Token` to `/kymon/state` only.
    private let bridgeToken: String?
    /// How `https://` servers are checked; the `wss://` socket uses the same.
    public let tls: UpstreamTLS

    public init(
        server: ServerURL, historyMaxItems: Int, client: HTTPClient, timeout: Duration = .seconds(10), maximumBodyBytes: Int = 256 << 20,
        headers: [(name: String, value: String)] = [], bridgeToken: String? = nil, tls: UpstreamTLS = UpstreamTLS(), logger: Logger
    ) {
        self.extraHeaders = headers
        self.tls = tls
        self.bridgeToken = bridgeToken.flatMap { $0.isEmpty ? nil : $0 }
        self.server = server
        self.historyMaxItems = historyMaxItems
        self.client = client
        self.timeout = timeout
        self.maximumBodyBytes = maximumBodyBytes
        self.logger = logger
    }

    public var sourceDescription: String { server.redacted }

    /// Reads `/queue` and the history window, decoding each answer as it arrives (so a history of
    /// hundreds of megabytes costs about a megabyte of buffer), and the bridge's state beside them.
    public func read(into assembler: inout SnapshotAssembler, options: DecodeOptions) async throws {
        async let queue = open("/queue")
        async let history = open("/history?max_items=\(historyMaxItems)")
        async let bridge = bridgeState()
        try await decodeAsItArrives(try await queue, into: &assembler, options: options)
        try await decodeAsItArrives(try await history, into: &assembler, options: options)
        for prompt in await bridge ?? [] {
            let graph = assembler.graphs[prompt.promptID]
            assembler.update(prompt.promptID) { info in
                guard info.status == .running else { return }
                info.startTime = prompt.startedAt ?? info.startTime
                if var node = prompt.currentNode {
                    node.type = node.type ?? graph?.nodeTypes[node.id]
                    info.currentNode = node
                }
                info.progress = graph.flatMap(prompt.progress(in:))
            }
        }
    }

    /// The running prompts the kymon bridge reports, or nil when the bridge is absent or unusable;
    /// its absence never fails a snapshot.
    public func bridgeState() async -> [BridgeRunningPrompt]? {
        do {
            let body = try await fetch("/kymon/state", headers: bridgeToken.map { [(name: "X-Kymon-Token", value: $0)] } ?? [])
            return try BridgeRunningPrompt.decodeList(from: body, documentName: server.redacted + "/kymon/state")
        } catch let error as LiveSourceError where error.reason == .httpStatus(404) {
            logger.debug("no kymon bridge at \(server.redacted); node-level progress needs it")
            return nil
        } catch let error as LiveSourceError where error.reason == .httpStatus(401) {
            logger.warning("the kymon bridge at \(server.redacted) refused the token; set prompt_server_channel.token to ComfyUI's KYMON_BRIDGE_TOKEN")
            return nil
        } catch {
            logger.notice("ignoring the kymon bridge state: \(error)")
            return nil
        }
    }

    /// Asks `/history/{id}` for a prompt older than the `max_items` window.
    public func lookUp(id: String, into assembler: inout SnapshotAssembler, options: DecodeOptions) async throws {
        let allowed = id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard allowed, !id.isEmpty else { return }
        let path = "/history/\(id)"
        try decode(try await fetch(path), path: path, into: &assembler, options: options)
    }

    func decode(_ body: [UInt8], path: String, into assembler: inout SnapshotAssembler, options: DecodeOptions) throws {
        let reader = JSONReader(bytes: body, documentName: server.redacted + path)
        try DocumentDecoder.decode(from: reader, into: &assembler, options: options)
    }

    /// GETs `path` and returns the body; errors name the URL without credentials.
    public func fetch(_ path: String, headers: [(name: String, value: String)] = []) async throws -> [UInt8] {
        let opened = try await open(path, headers: headers)
        do {
            let buffer = try await Self.collect(opened.response.body, upTo: maximumBodyBytes, until: opened.bodyDeadline)
            return Array(buffer.readableBytesView)
        } catch {
            throw mapTransportError(error, url: opened.url)
        }
    }

    /// A response whose head arrived with status 200; its body is still to be read.
    struct OpenResponse: Sendable {
        let response: HTTPClientResponse
        /// The URL without credentials, for messages and document names.
        let url: String
        /// When the body must be complete.
        let bodyDeadline: ContinuousClock.Instant
    }

    /// Sends the GET and checks the head: status 200 and an acceptable announced length.
    func open(_ path: String, headers: [(name: String, value: String)] = []) async throws -> OpenResponse {
        let displayURL = server.redacted + path
        var request = HTTPClientRequest(url: server.appending(path))
        request.method = .GET
        if server.components.secure { request.tlsConfiguration = tls.configuration }
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "kymon")
        if let authorization = server.basicAuthorization { request.headers.add(name: "Authorization", value: authorization) }
        for (name, value) in extraHeaders + headers { request.headers.replaceOrAdd(name: name, value: value) }
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let bodyDeadline = ContinuousClock.now + timeout
        logger.debug("GET \(displayURL)")
        do {
            let response = try await client.execute(request, deadline: deadline, logger: logger)
            guard response.status == .ok else {
                throw LiveSourceError(url: displayURL, reason: .httpStatus(Int(response.status.code)))
            }
            if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maximumBodyBytes {
                throw LiveSourceError(url: displayURL, reason: .bodyTooLarge(limit: maximumBodyBytes))
            }
            return OpenResponse(response: response, url: displayURL, bodyDeadline: bodyDeadline)
        } catch {
            throw mapTransportError(error, url: displayURL)
        }
    }

    /// Decodes the body on a thread of its own while it arrives. Infos decoded before a failure
    /// stay in `assembler`, as with a file.
    func decodeAsItArrives(_ opened: OpenResponse, into assembler: inout SnapshotAssembler, options: DecodeOptions) async throws {
        let pipe = BodyPipe(limit: maximumBodyBytes, deadline: opened.bodyDeadline)
        let start = assembler
        let documentName = opened.url
        let decoded: (assembler: SnapshotAssembler, error: (any Error)?) = await withTaskGroup(of: (SnapshotAssembler, (any Error)?)?.self) { group in
            group.addTask {
                await pipe.feed(from: opened.response.body)
                return nil
            }
            group.addTask {
                // A thread of its own: the reader blocks while it waits for the network, and a
                // shared pool's threads may all be busy or blocked elsewhere.
                let thread = NIOThreadPool(numberOfThreads: 1)
                thread.start()
                defer { pipe.stop() }
                let outcome: (SnapshotAssembler, (any Error)?)
                do {
                    outcome = try await thread.runIfActive {
                        var assembler = start
                        do {
                            try DocumentDecoder.decode(from: JSONReader(source: pipe, documentName: documentName), into: &assembler, options: options)
                            return (assembler, nil)
                        } catch {
                            return (assembler, error)
                        }
                    }
                } catch {
                    outcome = (start, error)
                }
                try? await thread.shutdownGracefully()
                return outcome
            }
            var outcome: (SnapshotAssembler, (any Error)?) = (start, nil)
            for await result in group {
                guard let result else { continue }
                outcome = result
                // The reader is done: stop waiting for the rest of the body.
                group.cancelAll()
            }
            return outcome
        }
        assembler = decoded.assembler
        if let error = decoded.error { throw mapTransportError(error, url: opened.url) }
    }

    /// Turns what the HTTP client or the body pipe threw into a `LiveSourceError` naming `url`;
    /// JSON errors and `LiveSourceError`s pass through.
    private func mapTransportError(_ error: any Error, url: String) -> any Error {
        switch error {
        case is LiveSourceError, is JSONSyntaxError:
            return error
        case is NIOTooManyBytesError, BodyPipe.Failure.tooLarge:
            return LiveSourceError(url: url, reason: .bodyTooLarge(limit: maximumBodyBytes))
        case BodyPipe.Failure.timedOut:
            return LiveSourceError(url: url, reason: .timedOut(seconds: timeout.inSeconds))
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout:
            return LiveSourceError(url: url, reason: .timedOut(seconds: timeout.inSeconds))
        default:
            if let detail = describeTLSError(error) { return LiveSourceError(url: url, reason: .tls(detail)) }
            return LiveSourceError(url: url, reason: .unreachable(describeTransportError(error)))
        }
    }

    /// Collects `body` by `deadline`: AsyncHTTPClient's deadline ends with the response head, so a
    /// body that never ends would otherwise hang; the transfer is cancelled when time is up.
    private static func collect(_ body: HTTPClientResponse.Body, upTo limit: Int, until deadline: ContinuousClock.Instant) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else { throw HTTPClientError.deadlineExceeded }
            return buffer
        }
    }
}
