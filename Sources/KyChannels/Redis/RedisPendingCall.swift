import NIOConcurrencyHelpers

/// One caller waiting for a job on a ``RedisConnectionQueue``: it is resumed exactly once, with the job's
/// result or, as soon as its task is cancelled, with `.cancelled`, whichever comes first.
///
/// `@unchecked Sendable`: `continuation`, `outcome` and `isCancelled` are read and written only while
/// holding `lock`.
final class RedisPendingCall<Value: Sendable>: @unchecked Sendable {
    /// How the wait ended.
    enum Outcome: Sendable {
        case finished(Result<Value, RedisError>)
        case cancelled
    }

    private let lock = NIOLock()
    private var continuation: CheckedContinuation<Outcome, Never>?
    private var outcome: Outcome?
    private var cancelled = false

    init() {}

    /// True once the caller's task was cancelled; a job that has not started yet skips its work.
    var isCancelled: Bool {
        lock.withLock { cancelled }
    }

    /// Stores the continuation to resume; resumes it at once when the call already ended (e.g. cancelled).
    func wait(with continuation: CheckedContinuation<Outcome, Never>) {
        let early: Outcome? = lock.withLock {
            if let outcome { return outcome }
            self.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    /// Ends the call with the job's result, unless it already ended.
    func finish(_ result: Result<Value, RedisError>) {
        end(.finished(result))
    }

    /// Ends the call as cancelled, unless it already ended.
    func cancel() {
        lock.withLock { cancelled = true }
        end(.cancelled)
    }

    private func end(_ outcome: Outcome) {
        let waiting: CheckedContinuation<Outcome, Never>? = lock.withLock {
            guard self.outcome == nil else { return nil }
            self.outcome = outcome
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: outcome)
    }
}
