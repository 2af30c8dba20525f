import NIOConcurrencyHelpers
import NIOCore

/// Hands an HTTP body, as it arrives, to the synchronous JSON reader on another thread.
///
/// The producer (`feed`) waits while `capacity` bytes are queued, so the socket is read only as
/// fast as the reader decodes, and a large answer costs `capacity` of memory, not its size. The
/// reader's waits end at `deadline`; more than `limit` bytes in all is an error.
final class BodyPipe: ByteSource, @unchecked Sendable {
    /// Why the body stopped short.
    enum Failure: Error {
        case timedOut
        case tooLarge
    }

    // Everything below is guarded by `condition`: 1 when there is something to read (bytes, the
    // end, or an error), else 0.
    private let condition = ConditionLock(value: 0)
    private var chunks = CircularBuffer<ByteBuffer>()
    private var queued = 0
    private var total = 0
    private var ended = false
    private var failure: (any Error)?
    private var stopped = false
    private var producerWaiter: CheckedContinuation<Void, Never>?

    private let capacity: Int
    private let limit: Int
    private let deadline: ContinuousClock.Instant

    init(capacity: Int = 1 << 20, limit: Int, deadline: ContinuousClock.Instant) {
        self.capacity = capacity
        self.limit = limit
        self.deadline = deadline
    }

    // MARK: Producer

    /// Moves `body` into the pipe until it ends, fails, or the reader stops.
    func feed<Body: AsyncSequence>(from body: Body) async where Body.Element == ByteBuffer {
        do {
            for try await chunk in body {
                guard append(chunk) else { return }
                await waitForRoom()
            }
            end(with: nil)
        } catch {
            end(with: error)
        }
    }

    /// Queues `chunk`; false once the reader has stopped (or the body is over the limit).
    private func append(_ chunk: ByteBuffer) -> Bool {
        condition.lock()
        guard !stopped, !ended else {
            condition.unlock(withValue: 1)
            return false
        }
        total += chunk.readableBytes
        if total > limit {
            ended = true
            failure = Failure.tooLarge
        } else if chunk.readableBytes > 0 {
            chunks.append(chunk)
            queued += chunk.readableBytes
        }
        let accepted = !ended
        condition.unlock(withValue: chunks.isEmpty && !ended ? 0 : 1)
        return accepted
    }

    private func waitForRoom() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            let hasRoom = queued < capacity || stopped
            if !hasRoom { producerWaiter = continuation }
            condition.unlock(withValue: chunks.isEmpty && !ended ? 0 : 1)
            if hasRoom { continuation.resume() }
        }
    }

    private func end(with error: (any Error)?) {
        condition.lock()
        if !ended {
            ended = true
            failure = error
        }
        condition.unlock(withValue: 1)
    }

    // MARK: Reader

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let remaining = ContinuousClock.now.duration(to: deadline)
        let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
        guard seconds > 0, condition.lock(whenValue: 1, timeoutSeconds: seconds) else { throw Failure.timedOut }
        var count = 0
        var outcome: (any Error)?
        if let head = chunks.first {
            count = min(buffer.count, head.readableBytes)
            head.withUnsafeReadableBytes { bytes in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
            }
            chunks[chunks.startIndex].moveReaderIndex(forwardBy: count)
            if chunks[chunks.startIndex].readableBytes == 0 { chunks.removeFirst() }
            queued -= count
        } else {
            outcome = failure
        }
        var waiter: CheckedContinuation<Void, Never>?
        if queued < capacity {
            waiter = producerWaiter
            producerWaiter = nil
        }
        condition.unlock(withValue: chunks.isEmpty && !ended ? 0 : 1)
        waiter?.resume()
        if let outcome { throw outcome }
        return count
    }

    /// Tells the producer the reader is done (it failed or finished early).
    func stop() {
        condition.lock()
        stopped = true
        let waiter = producerWaiter
        producerWaiter = nil
        condition.unlock(withValue: 1)
        waiter?.resume()
    }
}
