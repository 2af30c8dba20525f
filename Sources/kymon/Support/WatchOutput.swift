import KyChannels
import KyQuery
import KyWatch
import Logging

/// The output side of `kymon watch`: numbers events, writes them as lines or draws the view, and
/// queues them for the channels.
struct WatchOutput {
    let mode: WatchFormat
    let screen: TerminalScreen?
    let finishedLimit: Int
    let useColor: Bool
    let logger: Logger
    /// Servers in command-line order, for a stable view.
    private let order: [String]
    private var panels: [String: ServerPanel] = [:]
    private var numbering = EventNumbering()
    /// True once standard output was closed by its reader.
    private(set) var stdoutClosed = false
    private var dropped = 0

    init(mode: WatchFormat, screen: TerminalScreen?, finishedLimit: Int, useColor: Bool, servers: [String], logger: Logger) {
        self.mode = mode
        self.useColor = useColor
        self.screen = screen
        self.finishedLimit = finishedLimit
        self.order = servers
        self.logger = logger
        for server in servers { panels[server] = ServerPanel(url: server) }
    }

    mutating func handle(_ input: WatchSession.OutputInput, deliveries: AsyncStream<ChannelMessage>.Continuation?) {
        switch input {
        case .update(.events(let events)):
            var lines: [UInt8] = []
            for event in events {
                let body = event.jsonBytes(seq: numbering.next(for: event.server))
                if mode == .jsonl {
                    lines += body
                    lines.append(UInt8(ascii: "\n"))
                }
                if let deliveries {
                    let message = ChannelMessage(body: body, tag: event.kind.rawValue, keys: event.info.map { [$0.id] } ?? [])
                    if case .dropped = deliveries.yield(message) { noteDropped() }
                }
            }
            if !lines.isEmpty { write(lines) }
        case .update(.panel(let panel)):
            panels[panel.url] = panel
        case .redraw(let resized):
            guard let screen else { return }
            if resized { screen.invalidate() }
            draw(on: screen)
        }
    }

    private mutating func draw(on screen: TerminalScreen) {
        let size = StandardOutput.terminalSize
        let renderer = WatchViewRenderer(
            width: size?.columns ?? 80, height: size?.rows, useColor: useColor, finishedLimit: finishedLimit
        )
        let view = WatchView(servers: order.compactMap { panels[$0] }, now: Timestamp.now())
        // Elapsed times and ETAs change every second, so every tick draws; unchanged rows cost nothing.
        screen.draw(renderer.lines(for: view))
    }

    private mutating func write(_ bytes: [UInt8]) {
        guard !stdoutClosed else { return }
        do {
            try StandardOutput.write(bytes)
        } catch .closed {
            stdoutClosed = true
            logger.info("standard output was closed; events go on to the channels only, if any")
        } catch {
            stdoutClosed = true
            logger.error("cannot write events: \(error)")
        }
    }

    private mutating func noteDropped() {
        dropped += 1
        if dropped == 1 || dropped.isMultiple(of: 1000) {
            logger.warning("the channels fall behind: \(dropped) events dropped (backlog \(WatchSession.deliveryBacklog))")
        }
    }

}
