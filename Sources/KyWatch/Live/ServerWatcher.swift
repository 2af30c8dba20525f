import KyQuery
import Logging
import NIOCore

/// Watches one ComfyUI server: a WebSocket as `kymon-<uuid>` for events, `/queue` and
/// `/history/{id}` for facts, polling while the socket is down, and a full re-sync after every
/// reconnect. Runs until cancelled; one server's trouble never touches another's watcher.
public struct ServerWatcher: Sendable {
    public let source: LiveSource
    public let settings: WatchSettings
    public let options: DecodeOptions
    /// The WebSocket endpoint: `ws://`, or `wss://` for an `https://` server.
    let endpoint: WebSocketEndpoint
    let socketConfiguration: WebSocketConfiguration
    let logger: Logger
    private let output: @Sendable (WatchUpdate) -> Void

    /// `headers` go with the upgrade request as with every HTTP request; `clientID` must start
    /// with `kymon-` so the bridge mirrors events to it and no browser's socket is taken over.
    public init(
        source: LiveSource, settings: WatchSettings, options: DecodeOptions, headers: [(name: String, value: String)], clientID: String,
        socketConfiguration: WebSocketConfiguration = WebSocketConfiguration(), logger: Logger, output: @escaping @Sendable (WatchUpdate) -> Void
    ) {
        self.source = source
        self.settings = settings
        self.options = options
        self.socketConfiguration = socketConfiguration
        self.logger = logger
        self.output = output
        let parts = source.server.components
        var upgradeHeaders = headers
        if let authorization = source.server.basicAuthorization, !headers.contains(where: { $0.name.lowercased() == "authorization" }) {
            upgradeHeaders.append((name: "Authorization", value: authorization))
        }
        let scheme = parts.secure ? (http: "https://", socket: "wss://") : (http: "http://", socket: "ws://")
        endpoint = WebSocketEndpoint(
            host: parts.host, port: parts.port, requestTarget: parts.basePath + "/ws?clientId=" + clientID, headers: upgradeHeaders,
            displayURL: scheme.socket + source.server.redacted.dropFirst(scheme.http.count) + "/ws",
            tls: parts.secure ? source.tls.configuration : nil
        )
    }

    /// What the processing loop hears about.
    enum Input: Sendable {
        case socketUp
        case frame([UInt8])
        case socketDown(String)
        case tick
        /// The answer of a fetch run beside the loop.
        case fetched(WatchFetch.Answer)
    }

    /// Watches until the task is cancelled.
    public func run() async {
        let (inputs, continuation) = AsyncStream<Input>.makeStream(bufferingPolicy: .bufferingOldest(100_000))
        let pacer = TickPacer()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await runSocket(continuation) }
            group.addTask {
                while !Task.isCancelled {
                    await pacer.wait(busy: settings.tick, idle: settings.idleTick)
                    continuation.yield(.tick)
                }
            }
            group.addTask {
                // Fetches run as tasks of their own, so messages are handled while the server answers.
                await withDiscardingTaskGroup { fetches in
                    var process = WatchProcess(watcher: self)
                    for await input in inputs {
                        await process.handle(input)
                        if let fetch = process.takeFetch() {
                            fetches.addTask {
                                let answer = await fetch.run(source: source, options: options)
                                await Self.deliver(.fetched(answer), to: continuation)
                            }
                        }
                        pacer.setIdle(process.isIdle)
                    }
                }
            }
            await group.next()
            group.cancelAll()
            continuation.finish()
        }
    }

    /// Yields `input`, waiting while the stream's buffer is full: a fetch's answer must not be
    /// dropped, or the loop would wait for it for good.
    private static func deliver(_ input: Input, to continuation: AsyncStream<Input>.Continuation) async {
        while case .dropped = continuation.yield(input) {
            guard (try? await Task.sleep(for: .milliseconds(10))) != nil else { return }
        }
    }

    /// Keeps a socket open, reconnecting with capped, jittered exponential backoff.
    private func runSocket(_ continuation: AsyncStream<Input>.Continuation) async {
        var failures = 0
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let opened = clock.now
            var reason = "the server closed the socket"
            do {
                try await WebSocketClient.run(
                    endpoint, configuration: socketConfiguration, logger: logger,
                    onConnected: { continuation.yield(.socketUp) },
                    onText: { continuation.yield(.frame($0)) }
                )
            } catch let error as WebSocketError {
                reason = error.description
            } catch {
                reason = String(describing: error)
            }
            if Task.isCancelled { return }
            continuation.yield(.socketDown(reason))
            failures = clock.now - opened > .seconds(10) ? 1 : failures + 1
            let delay = Self.backoff(attempt: failures, first: settings.reconnectBackoff.first, cap: settings.reconnectBackoff.cap)
            logger.info("socket to \(source.server.redacted): \(reason); reconnecting in \(delay)")
            try? await Task.sleep(for: delay)
        }
    }

    /// Equal jitter: a random delay between half and all of min(cap, first × 2^(attempt-1)).
    static func backoff(attempt: Int, first: Duration, cap: Duration) -> Duration {
        let ceiling = min(cap, first * (1 << min(max(attempt - 1, 0), 20)))
        let milliseconds = max(1, ceiling.inMilliseconds)
        return .milliseconds(Int64.random(in: (milliseconds / 2)...milliseconds))
    }

    func emit(_ update: WatchUpdate) { output(update) }
}

extension Duration {
    var inMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
