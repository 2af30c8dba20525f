import KyQuery
import Logging
import ServiceLifecycle

/// `publish --interval`: fetch, publish, sleep, until a graceful shutdown (SIGTERM/SIGINT).
///
/// A failed fetch is logged and skipped; the loop goes on. A publish in flight when shutdown begins
/// finishes first (each channel is bounded by its own policy); if the shutdown deadline cancels it,
/// the channels it had not reached count as failed. On stopping, the loop logs how many messages did
/// not reach every channel.
public struct PublishLoop: Service, CustomStringConvertible {
    private let interval: Duration
    private let fetch: @Sendable () async throws -> Snapshot
    private let publisher: Publisher
    private let logger: Logger

    public init(interval: Duration, publisher: Publisher, logger: Logger, fetch: @escaping @Sendable () async throws -> Snapshot) {
        self.interval = interval
        self.publisher = publisher
        self.logger = logger
        self.fetch = fetch
    }

    /// A name for logs that shows nothing of the channels (whose settings hold secrets).
    public var description: String { "publish loop" }

    public func run() async throws {
        var publisher = self.publisher
        var sent = 0
        var undelivered = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let snapshot = try await fetch()
                let outcome = try await publisher.publish(snapshot)
                switch outcome {
                case .unchanged:
                    logger.debug("nothing changed")
                case .sent(let items, let reports):
                    sent += 1
                    if !outcome.allDelivered { undelivered += 1 }
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
        if undelivered > 0 { logger.warning("\(undelivered) of \(sent) message(s) were not delivered to every channel") }
    }
}
