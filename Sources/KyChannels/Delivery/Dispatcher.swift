import Logging

/// Sends each message to every channel at once; one slow or failing channel never holds up another
/// beyond its own policy (timeout × attempts plus backoff).
public struct Dispatcher: Sendable {
    /// A channel with the policy it is tried under.
    public struct Route: Sendable {
        public var channel: any Channel
        public var policy: ChannelPolicy

        public init(channel: any Channel, policy: ChannelPolicy) {
            self.channel = channel
            self.policy = policy
        }
    }

    public let routes: [Route]
    private let logger: Logger

    public init(routes: [Route], logger: Logger) {
        self.routes = routes
        self.logger = logger
    }

    /// Delivers `message` to every route concurrently; reports come back in route order.
    public func deliver(_ message: ChannelMessage) async -> [DeliveryReport] {
        let (routes, logger) = (self.routes, self.logger)
        return await reportsInOrder(count: routes.count) { await Self.deliver(message, via: routes[$0], logger: logger) }
    }

    /// Shuts every channel down.
    public func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for route in routes { group.addTask { await route.channel.shutdown() } }
        }
    }

    /// Tries `message` on one route under its policy: attempts with a timeout each, retries, backoff.
    static func deliver(_ message: ChannelMessage, via route: Route, logger: Logger) async -> DeliveryReport {
        let clock = ContinuousClock()
        let start = clock.now
        let channel = route.channel
        var attempt = 0
        while true {
            do {
                try await withTimeout(route.policy.timeout) { try await channel.send(message) }
                logger.debug("delivered", metadata: ["channel": "\(channel.name)", "attempts": "\(attempt + 1)"])
                return DeliveryReport(channel: channel.name, outcome: .delivered, attempts: attempt + 1, duration: clock.now - start)
            } catch {
                let (reason, retriable) = describe(error, channel: channel.name, timeout: route.policy.timeout)
                if !retriable || attempt >= route.policy.retries || Task.isCancelled {
                    logger.notice("channel \(channel.name) gave up: \(reason)", metadata: ["attempts": "\(attempt + 1)"])
                    return DeliveryReport(
                        channel: channel.name, outcome: .failed(reason), attempts: attempt + 1, duration: clock.now - start, isRetriable: retriable
                    )
                }
                let delay = route.policy.delay(beforeRetry: attempt)
                logger.notice("channel \(channel.name): \(reason); retrying in \(delay)")
                try? await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    private static func describe(_ error: any Error, channel: String, timeout: Duration) -> (String, Bool) {
        switch error {
        case let error as ChannelError: return (error.reason, error.isRetriable)
        case is AttemptTimedOut: return ("no answer within \(timeout)", true)
        case is CancellationError: return ("cancelled", false)
        default: return (String(describing: error), false)
        }
    }
}
