import Dispatch

/// Runs blocking hiredis work one job at a time on a private serial `DispatchQueue`, and keeps the one
/// ``RedisConnection`` those jobs share, opening it on demand.
///
/// Why a queue: hiredis calls block their thread for up to the connect or command timeout. Swift's
/// cooperative pool has only about one thread per core, so blocking one stalls unrelated tasks. A private
/// serial queue is overcommitting, so libdispatch gives it a thread of its own when the pool is busy. Each
/// job is bridged back to async code with a checked continuation (see ``RedisPendingCall``).
///
/// Cancellation is prompt for the caller: a cancelled caller is resumed at once with `CancellationError`,
/// and a job whose caller is gone before it starts does nothing. A hiredis call that has already started
/// cannot be interrupted; it finishes on the queue within its timeout, and its result is dropped.
///
/// `@unchecked Sendable`: the mutable state (`connection`, `isShutDown`) is read and written only inside
/// jobs on `queue`, which is serial, so no two threads ever touch it at once. The connection never leaves
/// a job.
final class RedisConnectionQueue: @unchecked Sendable {
    private let configuration: RedisConfiguration
    private let queue: DispatchQueue
    private var connection: RedisConnection?
    private var isShutDown = false

    /// Creates the queue; nothing connects until the first job.
    init(configuration: RedisConfiguration) {
        self.configuration = configuration
        self.queue = DispatchQueue(label: "kymon.redis \(configuration.address)")
    }

    /// Runs `body` on the queue with an open connection, connecting (with `AUTH` and `SELECT`) first when
    /// there is none or the last one broke.
    ///
    /// Throws the job's ``RedisError``, or `CancellationError` as soon as the calling task is cancelled.
    func withConnection<Value: Sendable>(
        _ body: @escaping @Sendable (RedisConnection) throws(RedisError) -> Value
    ) async throws -> Value {
        let call = RedisPendingCall<Value>()
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                call.wait(with: continuation)
                queue.async {
                    guard !call.isCancelled else { return }
                    call.finish(Result { () throws(RedisError) in try self.runOnQueue(body) })
                }
            }
        } onCancel: {
            call.cancel()
        }
        switch outcome {
        case .finished(let result):
            return try result.get()
        case .cancelled:
            throw CancellationError()
        }
    }

    /// Closes the connection on the queue; jobs after this fail with `shutDown`.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.isShutDown = true
                self.connection?.close()
                self.connection = nil
                continuation.resume()
            }
        }
    }

    /// The body of a job; runs on `queue` only.
    private func runOnQueue<Value>(_ body: (RedisConnection) throws(RedisError) -> Value) throws(RedisError) -> Value {
        guard !isShutDown else { throw .shutDown(address: configuration.address) }
        if let connection, connection.isOpen {
            return try body(connection)
        }
        connection = nil
        let opened = try RedisConnection.open(configuration)
        connection = opened
        return try body(opened)
    }
}
