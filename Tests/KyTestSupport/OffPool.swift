import Foundation

/// Runs blocking work (a 100 MB file, a long parse) on a thread of its own, so the cooperative
/// pool, which has only as many threads as cores, stays free for the tests running beside it.
public func offPool<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Swift.Result { try work() }) }.start()
    }
}

/// Tests that move hundreds of megabytes run only when `KYMON_HEAVY_TESTS=1` (scripts/test runs
/// them in a step of their own): beside the rest of the suite on a small machine they would starve
/// the tests that assert one-second timeouts.
public let heavyTestsEnabled = ProcessInfo.processInfo.environment["KYMON_HEAVY_TESTS"] == "1"
