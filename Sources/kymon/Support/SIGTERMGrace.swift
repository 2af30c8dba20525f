import Logging
import NIOConcurrencyHelpers
import UnixSignals

/// Runs `body` to its end even when SIGTERM arrives: the signal only starts a grace period, after
/// which `body` is cancelled. Returns what `body` returned and whether SIGTERM arrived.
///
/// SIGTERM is trapped before `body` starts, so it never kills the process half-way.
func finishingOnSIGTERM<Result: Sendable>(grace: Duration, logger: Logger, _ body: @escaping @Sendable () async throws -> Result) async throws -> (Result, terminated: Bool) {
    let signals = await UnixSignalsSequence(trapping: .sigterm)
    let terminated = NIOLockedValueBox(false)
    return try await withThrowingTaskGroup(of: GraceStep<Result>.self) { group in
        group.addTask { .finished(try await body()) }
        group.addTask {
            for await _ in signals {
                terminated.withLockedValue { $0 = true }
                logger.notice("SIGTERM: finishing what is in flight (at most \(grace))")
                try await Task.sleep(for: grace)
                logger.warning("still running \(grace) after SIGTERM; cancelling")
                return .graceOver
            }
            throw CancellationError()
        }
        while let step = try await group.next() {
            group.cancelAll()
            if case .finished(let result) = step { return (result, terminated.withLockedValue { $0 }) }
        }
        throw CancellationError()
    }
}

private enum GraceStep<Result: Sendable>: Sendable {
    case finished(Result)
    case graceOver
}
