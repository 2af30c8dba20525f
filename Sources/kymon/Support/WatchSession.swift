#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ArgumentParser
import AsyncHTTPClient
import KyChannels
import KyQuery
import KyWatch
import Logging
import UnixSignals

/// One run of `kymon watch`: a watcher per server, the output (view or event lines), channel
/// delivery, and a graceful end on SIGINT/SIGTERM.
struct WatchSession {
    let servers: [ServerURL]
    /// How `https://` servers are checked, for HTTP and the `wss://` socket.
    let tls: UpstreamTLS
    let context: CommandContext
    let client: HTTPClient
    let mode: WatchFormat
    let finishedLimit: Int
    let dispatcher: Dispatcher?

    /// How long channel sends in flight may take after a signal.
    static let flushLimit: Duration = .seconds(10)
    /// Events on their way to the outboxes (which hold `outbox_size` each); a guard, rarely used.
    static let deliveryBacklog = 10_000

    /// What the output loop hears.
    enum OutputInput: Sendable {
        case update(WatchUpdate)
        /// Redraw the view (a clock tick or a resize).
        case redraw(resized: Bool)
    }

    /// Runs until SIGINT (exit 130) or SIGTERM (exit 0).
    func run() async -> ExitCode {
        let (inputs, inputSink) = AsyncStream<OutputInput>.makeStream()
        let (deliveries, deliverySink) = AsyncStream<ChannelMessage>.makeStream(bufferingPolicy: .bufferingOldest(Self.deliveryBacklog))
        // Standard output closed (`kymon watch | head`) with no channel to feed: time to stop.
        let (stops, stopSink) = AsyncStream<Void>.makeStream()
        let screen = mode == .view ? TerminalScreen() : nil
        if let screen {
            if StandardError.isTerminal { StandardErrorLogHandler.hold() }
            screen.start()
        }
        defer {
            screen?.finish()
            StandardErrorLogHandler.release()
        }
        let outboxes = dispatcher.map { Outboxes(dispatcher: $0, capacity: context.configuration.outboxSize, logger: context.logger) }
        let watchers = makeWatchers { inputSink.yield(.update($0)) }
        for url in servers { context.logger.info("watching \(url.redacted)") }

        let signal: UnixSignal? = await withTaskGroup(of: Finished.self) { group in
            group.addTask {
                var output = WatchOutput(
                    mode: mode, screen: screen, finishedLimit: finishedLimit, useColor: context.colorAllowed, servers: servers.map(\.redacted), logger: context.logger
                )
                for await input in inputs {
                    output.handle(input, deliveries: dispatcher == nil ? nil : deliverySink)
                    if output.stdoutClosed, dispatcher == nil { stopSink.yield() }
                }
                deliverySink.finish()
                return .output
            }
            group.addTask {
                guard let outboxes else { return .delivery }
                await deliver(deliveries, through: outboxes)
                return .delivery
            }
            let signal = await runWatchers(watchers, stops: stops, redraw: { inputSink.yield(.redraw(resized: $0)) })
            inputSink.finish()
            group.addTask {
                try? await Task.sleep(for: Self.flushLimit)
                return .deadline
            }
            var waiting: Set<Finished> = [.output, .delivery]
            while let finished = await group.next() {
                if finished == .deadline {
                    context.logger.warning("channel sends still running after \(Self.flushLimit); cancelling them")
                    break
                }
                waiting.remove(finished)
                if waiting.isEmpty { break }
            }
            group.cancelAll()
            return signal
        }
        await outboxes?.logSummary(context.logger)
        screen?.finish()
        StandardErrorLogHandler.release()
        return signal == .sigint ? .promptInterrupted : .success
    }

    private enum Finished: Hashable, Sendable {
        case output, delivery, deadline
    }

    private func makeWatchers(_ output: @escaping @Sendable (WatchUpdate) -> Void) -> [ServerWatcher] {
        let configuration = context.configuration
        let settings = WatchSettings(
            pollInterval: .seconds(configuration.frequencySeconds), historyMaxItems: configuration.historyMaxItems,
            progressEventsPerSecond: configuration.progressEventsPerSecond
        )
        return servers.map { url in
            let source = LiveSource(
                server: url, historyMaxItems: configuration.historyMaxItems, client: client, timeout: .seconds(configuration.timeoutSeconds),
                headers: configuration.comfyUIHeaders, bridgeToken: configuration.string("prompt_server_channel.token"), tls: tls, logger: context.logger
            )
            var socket = WebSocketConfiguration()
            socket.connectTimeout = .seconds(configuration.timeoutSeconds)
            socket.handshakeTimeout = .seconds(configuration.timeoutSeconds)
            // Preview images (binary) count against the cap too; text frames stay far below it.
            socket.maximumMessageBytes = 32 << 20
            return ServerWatcher(
                source: source, settings: settings, options: context.decodeOptions, headers: configuration.comfyUIHeaders,
                clientID: "kymon-" + UUID().uuidString.lowercased(), socketConfiguration: socket, logger: context.logger, output: output
            )
        }
    }

    /// Runs the watchers until SIGINT or SIGTERM (or a stop request, answered as SIGTERM is); on a
    /// terminal, also asks for a redraw every quarter second and on SIGWINCH.
    private func runWatchers(_ watchers: [ServerWatcher], stops: AsyncStream<Void>, redraw: @escaping @Sendable (Bool) -> Void) async -> UnixSignal? {
        let interactive = mode == .view
        return await withTaskGroup(of: UnixSignal?.self) { group in
            for watcher in watchers { group.addTask { await watcher.run(); return nil } }
            group.addTask {
                for await _ in stops { return .sigterm }
                return nil
            }
            group.addTask {
                let trapped: [UnixSignal] = interactive ? [.sigint, .sigterm, .sigwinch] : [.sigint, .sigterm]
                for await signal in await UnixSignalsSequence(trapping: trapped) {
                    if signal == .sigwinch { redraw(true) } else { return signal }
                }
                return nil
            }
            group.addTask {
                await MemoryTrim(logger: context.logger).runUntilCancelled()
                return nil
            }
            if interactive {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(250))
                        redraw(false)
                    }
                    return nil
                }
            } else if dispatcher == nil {
                // Events only go to stdout: stop when its reader goes away, even between events.
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        if StandardOutput.readerHasGone { return .sigterm }
                    }
                    return nil
                }
            }
            var signal: UnixSignal?
            while let finished = await group.next() {
                if let finished {
                    signal = finished
                    break
                }
            }
            group.cancelAll()
            return signal
        }
    }

    /// Hands events to the channels' outboxes and delivers them until the events end and the
    /// outboxes are empty (or the flush deadline cancels this).
    private func deliver(_ messages: AsyncStream<ChannelMessage>, through outboxes: Outboxes) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await outboxes.run() }
            for await message in messages { await outboxes.post(message) }
            await outboxes.close()
        }
    }
}
