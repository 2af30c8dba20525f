import KyQuery
import KyTestSupport
import Testing

@testable import KyWatch

/// Reads of the steady state run beside the socket: a slow server does not hold messages back,
/// and an answer older than a message does not undo what the message said.
@Suite("Watching while a read is slow")
struct WatchFetchTests {
    private func queueReads(_ server: FakeComfyUI) -> Int { server.requests.filter { $0.target == "/queue" }.count }

    /// Once the socket is up: A starts, then the next `/queue` read, beside the socket, takes
    /// `delay` and adds B. Returns when that read is out, with the `/queue` reads before it.
    private func startSlowReadAddingB(_ server: FakeComfyUI, _ harness: WatchHarness, delay: Duration) async throws -> Int {
        try await harness.waitUntil("the socket") { harness.panel?.connection == .connected }
        server.setRoute("/queue", QueueDocuments.queue(running: [QueueDocuments.item(1, "A")]))
        await server.sendText(QueueDocuments.status)
        try await harness.waitUntil("A started") { harness.kinds(of: "A") == [.started] }

        let reads = queueReads(server)
        server.setRoute("/queue", QueueDocuments.queue(running: [QueueDocuments.item(1, "A")], pending: [QueueDocuments.item(2, "B")], delay: delay))
        await server.sendText(QueueDocuments.status)
        try await harness.waitUntil("the slow /queue read") { queueReads(server) > reads }
        return reads
    }

    @Test("a message that arrives while /queue is slow is handled at once; the answer still counts, and a prompt it predates is not taken for gone")
    func messagesDuringSlowRead() async throws {
        let server = try await FakeComfyUI.idleForWatch()
        let harness = WatchHarness(server: server)
        try await harness.whileWatching(try harness.makeWatcher()) {
            // The next /queue answer takes 4 s and adds B; C starts on the socket meanwhile.
            _ = try await startSlowReadAddingB(server, harness, delay: .seconds(4))
            await server.sendText(#"{"type": "progress", "data": {"value": 3, "max": 10, "prompt_id": "A", "node": "1"}}"#)
            await server.sendText(#"{"type": "execution_start", "data": {"prompt_id": "C", "timestamp": 1795973001000}}"#)
            try await harness.waitUntil("A's progress and C started") { harness.kinds(of: "A").contains(.progress) && harness.kinds(of: "C") == [.started] }
            #expect(harness.kinds(of: "B").isEmpty, "the messages were held back until the slow answer came")

            try await harness.waitUntil("B queued from the slow answer") { harness.kinds(of: "B") == [.queued] }
            // The answer was made before C started: C is not looked up as gone, nor removed.
            try await Task.sleep(for: .seconds(1))
            #expect(!server.requests.contains { $0.target == "/history/C" })
            #expect(harness.kinds(of: "C") == [.started])
        }
        try await server.stop()
    }

    @Test("a /queue answer that is overtaken by a read made on reconnecting is dropped, not applied over the newer one")
    func staleAnswerDropped() async throws {
        let server = try await FakeComfyUI.idleForWatch()
        let harness = WatchHarness(server: server)
        // Reads may take 30 s here, so the slow one is answered, late.
        try await harness.whileWatching(try harness.makeWatcher(httpTimeout: .seconds(30))) {
            // The next read beside the socket takes 10 s and would add B ...
            let reads = try await startSlowReadAddingB(server, harness, delay: .seconds(10))
            let slowReadStarted = ContinuousClock.now
            // ... but B is gone from the server by the time the socket drops and the watcher
            // reads /queue again to re-sync: that answer is newer than the slow one.
            server.setRoute("/queue", QueueDocuments.queue(running: [QueueDocuments.item(1, "A")]))
            let connections = server.webSocketConnectionCount
            await server.closeWebSockets()
            try await harness.waitUntil("the re-sync read") { server.webSocketConnectionCount > connections && queueReads(server) > reads + 1 }
            #expect(ContinuousClock.now - slowReadStarted < .seconds(9), "the re-sync read came after the slow answer: nothing was tested")
            try await Task.sleep(until: slowReadStarted + .seconds(12))
            #expect(harness.kinds(of: "B").isEmpty, "the slow answer was applied after the newer one")
            #expect(harness.kinds(of: "A") == [.started])
        }
        try await server.stop()
    }
}
