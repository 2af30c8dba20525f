/// An attempt that did not finish within its time.
struct AttemptTimedOut: Error {}

/// Runs `operation`, cancelling it and throwing `AttemptTimedOut` once `duration` has passed.
///
/// Structured: both child tasks end before this returns, so the operation must honour cancellation.
func withTimeout<Result: Sendable>(_ duration: Duration, _ operation: @escaping @Sendable () async throws -> Result) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: duration)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else { throw AttemptTimedOut() }
        return result
    }
}
