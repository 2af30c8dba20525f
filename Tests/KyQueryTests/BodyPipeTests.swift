import KyTestSupport
import NIOCore
import Testing
@testable import KyQuery

/// The pipe that hands an HTTP body to the reader as it arrives: the reader sees the same bytes
/// whatever the chunks, the producer is held back, and limits, deadlines and early stops hold.
@Suite("Body pipe", .timeLimit(.minutes(1)))
struct BodyPipeTests {
    static let document = Array(SpillingTests.generatedHistory(entries: 40).utf8)

    /// A body of `bytes` in chunks of `size`.
    private func chunks(_ bytes: [UInt8], size: Int) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            var offset = 0
            while offset < bytes.count {
                continuation.yield(ByteBuffer(bytes: bytes[offset..<min(offset + size, bytes.count)]))
                offset += size
            }
            continuation.finish()
        }
    }

    /// Decodes `body` through a pipe on a thread of its own, as `LiveSource` does.
    private func decodeThroughPipe(_ body: AsyncStream<ByteBuffer>, capacity: Int, limit: Int = .max, deadline: Duration = .seconds(30)) async throws -> Snapshot {
        let pipe = BodyPipe(capacity: capacity, limit: limit, deadline: .now + deadline)
        async let fed: Void = pipe.feed(from: body)
        let snapshot = try await offPool {
            defer { pipe.stop() }
            var assembler = SnapshotAssembler()
            try DocumentDecoder.decode(from: JSONReader(source: pipe, documentName: "body", bufferSize: 4096), into: &assembler)
            return try assembler.snapshot(source: "test", generatedAt: 0)
        }
        await fed
        return snapshot
    }

    @Test("any chunking, any capacity: the same snapshot as from memory", arguments: [(3, 1), (7, 16), (4096, 1 << 20), (100_000, 10)])
    func sameBytes(chunkSize: Int, capacity: Int) async throws {
        let expected = try decodeDocuments([("body", Self.document)])
        let streamed = try await decodeThroughPipe(chunks(Self.document, size: chunkSize), capacity: capacity)
        #expect(streamed == expected)
        #expect(expected.items.count == 40)
    }

    @Test("more than the limit is refused once the limit is passed")
    func limit() async throws {
        await #expect(throws: BodyPipe.Failure.tooLarge) {
            _ = try await decodeThroughPipe(chunks(Self.document, size: 1000), capacity: 4096, limit: Self.document.count / 2)
        }
    }

    @Test("a body that stops arriving ends at the deadline")
    func deadline() async throws {
        let (stalled, continuation) = AsyncStream<ByteBuffer>.makeStream()
        continuation.yield(ByteBuffer(bytes: Self.document.prefix(1000)))
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: BodyPipe.Failure.timedOut) {
            _ = try await decodeThroughPipe(stalled, capacity: 4096, deadline: .milliseconds(300))
        }
        #expect(clock.now - start >= .milliseconds(300))
        continuation.finish()
    }

    @Test("a reader that fails early releases a producer waiting for room")
    func earlyStop() async throws {
        let broken = Array(#"{"a": 1, "#.utf8) + Self.document
        await #expect(throws: JSONSyntaxError.self) {
            _ = try await decodeThroughPipe(chunks(broken, size: 64), capacity: 64)
        }
    }
}
