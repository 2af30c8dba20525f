import KyQuery
import Logging
import ServiceLifecycle

/// `publish --interval`: fetch, publish, sleep, until a graceful shutdown (SIGTERM/SIGINT).
///
/// A failed fetch is logged and skipped; the loop goes on. Messages go through `outboxes`: a channel
/// that is down keeps them, in order, until it is back. When shutdown begins, the publish in flight
/// finishes, the outboxes get `flushLimit` to empty, and what each channel did not get is counted in
/// the log.
public struct PublishLoop: Service, CustomStringConvertible {
    private let interval: Duration
    private let fetch: @Sendable () async throws -> Snapshot
    private let publisher: Publisher
    private let outboxes: Outboxes
    private let flushLimit: Duration
    private let logger: Logger

    /// `publisher` must deliver through `outboxes`.
    public init(
        interval: Duration, publisher: Publisher, outboxes: Outboxes, flushLimit: Duration = .seconds(10), logger: Logger,
        fetch: @escaping @Sendable () async throws -> Snapshot
    ) {
        self.interval = interval
        self.publisher = publisher
        self.outboxes = outboxes
        self.flushLimit = flushLimit
        self.logger = logger
        self.fetch = fetch
    }

    /// A name for logs that shows nothing of the channels (whose settings hold secrets).
    public var description: String { "publish loop" }

    public func run() async throws {
        let outboxes = self.outboxes
        let flushLimit = self.flushLimit
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await outboxes.run()
                return true
            }
            await publishRounds()
            await outboxes.close()
            group.addTask {
                try? await Task.sleep(for: flushLimit)
                return false
            }
            if await group.next() == false { logger.warning("channels still sending after \(flushLimit); stopping them") }
            group.cancelAll()
        }
        await outboxes.logSummary(logger)
    }

    private func publishRounds() async {
        var publisher = self.publisher
        var sent = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let snapshot = try await fetch()
                let outcome = try await publisher.publish(snapshot)
                switch outcome {
                case .unchanged:
                    logger.debug("nothing changed")
                case .sent(let items, let reports):
                    sent += 1
                    logger.info("published \(items) prompts to \(reports.count) channels")
                    for summary in reports.compactMap(\.failureSummary) { logger.warning("\(summary)") }
                }
            } catch {
                logger.error("skipped this round: \(error)")
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
        logger.info("publish loop stopped after sending \(sent) message(s)")
    }
}
