import KyQuery
import KyTestSupport
import Testing

@testable import KyWatch

/// Restarts, dropped and silent sockets: the watcher recovers and says what happened.
@Suite("Watching through faults")
struct WatchFaultTests {
    @Test("an HTTP read that fails while the socket stays up is retried at the poll pace, without waiting for a message")
    func httpFailureWithSocketUp() async throws {
        let server = try await FakeComfyUI.idleForWatch()
        let harness = WatchHarness(server: server)
        try await harness.whileWatching(try harness.makeWatcher()) {
            try await harness.waitUntil("the socket") { harness.panel?.connection == .connected }
            server.setRoute("/queue", FakeComfyUI.Response(status: 500, contentType: "text/plain", body: Array("busy".utf8)))
            await server.sendText(QueueDocuments.status)
            try await harness.waitUntil("server_down") { harness.events.contains { $0.kind == .serverDown } }
            server.setRoute("/queue", .json(QueueDocuments.idle))
            // No socket message is sent: only the retry can bring it back (the quiet refresh is a minute away).
            try await harness.waitUntil("server_up after server_down") {
                harness.events.drop { $0.kind != .serverDown }.contains { $0.kind == .serverUp } && harness.panel?.connection == .connected
            }
        }
        try await server.stop()
    }

    @Test("a restarted server: down, up, and the prompts it forgot are lost, not removed")
    func restart() async throws {
        let server = try await FakeComfyUI.idleForWatch()
        let harness = WatchHarness(server: server)
        try await harness.whileWatching(try harness.makeWatcher()) {
            try await harness.waitUntil("the socket") { harness.panel?.connection == .connected }
            server.setRoute("/queue", QueueDocuments.queue(running: [QueueDocuments.item(5, "A")], pending: [QueueDocuments.item(6, "B")]))
            await server.sendText(QueueDocuments.status)
            try await harness.waitUntil("A started and B queued") { harness.kinds(of: "A") == [.started] && harness.kinds(of: "B") == [.queued] }

            server.setWebSocketRefused(true)
            server.setRoute("/queue", .json("<html>502 Bad Gateway</html>", status: 502))
            await server.dropWebSockets()
            try await harness.waitUntil("server_down") { harness.events.contains { $0.kind == .serverDown } }
            if case .down(let reason)? = harness.panel?.connection {
                #expect(reason.contains("502"), "the reason names the HTTP status: \(reason)")
            } else {
                Issue.record("the panel should say the server is down")
            }

            server.setRoute("/queue", .json(QueueDocuments.idle))
            server.setRoute("/history/A", .json("{}"))
            server.setRoute("/history/B", .json("{}"))
            server.setWebSocketRefused(false)
            // Polling every 0.5 s plus the history retries (about 1.6 s): well within 20 s, even on a loaded machine.
            try await harness.waitUntil("A and B lost", timeout: .seconds(20)) { harness.kinds(of: "A").last == .lost && harness.kinds(of: "B").last == .lost }
            try await harness.waitUntil("server_up again") { harness.events.filter { $0.kind == .serverUp }.count == 2 }
            try await harness.waitUntil("reconnected") { harness.panel?.connection == .connected }
        }
        try await server.stop()
    }

    @Test("a queue counter that starts again marks the server restarted even without downtime")
    func counterReset() async throws {
        let server = try await FakeComfyUI.idleForWatch()
        let harness = WatchHarness(server: server)
        try await harness.whileWatching(try harness.makeWatcher()) {
            try await harness.waitUntil("the socket") { harness.panel?.connection == .connected }
            server.setRoute("/queue", QueueDocuments.queue(pending: [QueueDocuments.item(40, "A")]))
            await server.sendText(QueueDocuments.status)
            try await harness.waitUntil("A queued") { harness.kinds(of: "A") == [.queued] }
            server.setRoute("/history/A", .json("{}"))
            server.setRoute("/queue", QueueDocuments.queue(pending: [QueueDocuments.item(0, "C")]))
            await server.sendText(QueueDocuments.status)
            try await harness.waitUntil("A lost, C queued") { harness.kinds(of: "A").last == .lost && harness.kinds(of: "C") == [.queued] }
        }
        try await server.stop()
    }

    @Test("a prompt that finishes while the socket is down is reported by polling, then the socket comes back")
    func droppedSocket() async throws {
        let server = try await FakeComfyUI.idleForWatch()
        let harness = WatchHarness(server: server)
        let history = try Streams.bytes("s01-success", "http/02-history-by-id.json")
        let id = "927bc2bd-18d6-4b6b-8c28-24c1bcf35d81"
        try await harness.whileWatching(try harness.makeWatcher()) {
            try await harness.waitUntil("the socket") { harness.panel?.connection == .connected }
            server.setRoute("/queue", QueueDocuments.queue(running: [QueueDocuments.item(3, id)]))
            await server.sendText(QueueDocuments.status)
            try await harness.waitUntil("started") { harness.kinds(of: id) == [.started] }

            server.setWebSocketRefused(true)
            await server.dropWebSockets()
            try await harness.waitUntil("polling") {
                if case .polling? = harness.panel?.connection { return true }
                return false
            }
            server.setRoute("/queue", .json(QueueDocuments.idle))
            server.setRoute("/history?max_items=20", FakeComfyUI.Response(body: history))
            server.setRoute("/history/\(id)", FakeComfyUI.Response(body: history))
            try await harness.waitUntil("completed while polling", timeout: .seconds(20)) { harness.kinds(of: id).last == .completed }
            #expect(harness.kinds(of: id).filter { $0 == .completed }.count == 1)

            let before = server.webSocketConnectionCount
            server.setWebSocketRefused(false)
            try await harness.waitUntil("a new socket") { server.webSocketConnectionCount > before && harness.panel?.connection == .connected }
        }
        try await server.stop()
    }

    @Test("garbage on the socket (not JSON, wrong shapes, unknown types, binary junk, deep nesting) is skipped; the next real event is followed")
    func garbageFrames() async throws {
        let server = try await FakeComfyUI.idleForWatch()
        let harness = WatchHarness(server: server)
        try await harness.whileWatching(try harness.makeWatcher()) {
            try await harness.waitUntil("the socket") { harness.panel?.connection == .connected }
            let connections = server.webSocketConnectionCount
            let garbage = [
                "not json at all", "", "{", "[]", "null", "42", #"{"type": 5, "data": []}"#, #"{"type": "status"}"#,
                #"{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": "many"}}}}"#,
                #"{"type": "progress", "data": {"value": "x", "max": -1, "prompt_id": 7}}"#,
                #"{"type": "executing", "data": {"node": {"deep": true}, "prompt_id": null}}"#,
                #"{"type": "execution_error", "data": "boom"}"#, #"{"type": "no_such_type", "data": {}}"#,
                String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
                #"{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1e999999}}}}"#,
            ]
            for text in garbage { await server.sendText(text) }
            await server.sendBinary([0xDE, 0xAD, 0xBE, 0xEF])
            await server.sendBinary(Array(repeating: 0xFF, count: 64 * 1024))
            server.setRoute("/queue", QueueDocuments.queue(pending: [QueueDocuments.item(1, "G")]))
            await server.sendText(QueueDocuments.status)
            try await harness.waitUntil("G queued after the garbage") { harness.kinds(of: "G") == [.queued] }
            #expect(server.webSocketConnectionCount == connections, "garbage does not cost the connection")
            #expect(harness.panel?.connection == .connected, "requests: \(server.requests.map(\.target))")
        }
        try await server.stop()
    }

    @Test("a silent (zombie) socket is replaced, and the view follows the queue again")
    func silentSocket() async throws {
        let server = try await FakeComfyUI.idleForWatch()
        let harness = WatchHarness(server: server)
        try await harness.whileWatching(try harness.makeWatcher()) {
            try await harness.waitUntil("the socket") { harness.panel?.connection == .connected }
            let first = server.webSocketConnectionCount
            server.setWebSocketsSilent(true)
            try await harness.waitUntil("the silent socket given up", timeout: .seconds(20)) { server.webSocketConnectionCount > first }
            server.setWebSocketsSilent(false)
            server.setRoute("/queue", QueueDocuments.queue(pending: [QueueDocuments.item(1, "Z")]))
            await server.sendText(QueueDocuments.status)
            try await harness.waitUntil("Z queued", timeout: .seconds(20)) { harness.kinds(of: "Z") == [.queued] }
        }
        try await server.stop()
    }

    @Test("the socket is opened as kymon-<id>, with the configured headers, never another client's id")
    func clientIdentity() async throws {
        let server = try await FakeComfyUI.idleForWatch()
        let harness = WatchHarness(server: server)
        let ids = try await harness.whileWatching(try harness.makeWatcher(headers: [(name: "X-Api-Key", value: "planted-secret")], bridgeToken: "bridge-secret")) {
            try await harness.waitUntil("the socket and the first reads") {
                !server.webSocketClientIDs.isEmpty && Set(server.requests.map(\.target)).isSuperset(of: ["/queue", "/kymon/state"])
            }
            return server.webSocketClientIDs
        }
        #expect(!ids.isEmpty && ids.allSatisfy { $0.hasPrefix("kymon-") })
        #expect(server.webSocketUpgradeHeaders.first?["x-api-key"] == "planted-secret")
        #expect(server.requests.filter { $0.target == "/queue" }.allSatisfy { $0.headers["x-api-key"] == "planted-secret" })
        #expect(server.requests.filter { $0.target == "/kymon/state" }.allSatisfy { $0.headers["x-kymon-token"] == "bridge-secret" })
        #expect(server.requests.filter { $0.target != "/kymon/state" }.allSatisfy { $0.headers["x-kymon-token"] == nil }, "the bridge token goes to the bridge only")
        try await server.stop()
    }
}

@Suite("Watching without the bridge")
struct WatchWithoutBridgeTests {
    @Test("a prompt that never showed in /queue is found through the newest finished jobs")
    func quickPrompt() async throws {
        let server = try await FakeComfyUI.start(routes: [
            "/queue": .json(#"{"queue_running": [], "queue_pending": []}"#),
            "/history?max_items=100": .json("{}"),
            "/system_stats": FakeComfyUI.Response(body: try Streams.bytes("s00-idle-baseline", "http/05-system-stats.json")),
            "/api/jobs?status=completed,failed&limit=5": .json(#"{"jobs": [], "pagination": {"offset": 0, "limit": 5, "total": 0, "has_more": false}}"#),
        ])
        let harness = WatchHarness(server: server)
        let id = "779977d7-6cf5-4b6d-9ecf-1e583e633389"
        try await harness.whileWatching(try harness.makeWatcher()) {
            try await harness.waitUntil("connected without the bridge") { harness.panel?.connection == .connected && harness.panel?.bridge == false }
            server.setRoute("/api/jobs?status=completed,failed&limit=5", FakeComfyUI.Response(body: try Streams.bytes("s03-error", "http/04-api-jobs-status-failed.json")))
            server.setRoute("/history/\(id)", FakeComfyUI.Response(body: try Streams.bytes("s03-error", "http/02-history-by-id-error.json")))
            await server.sendText(#"{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}}}"#)
            try await harness.waitUntil("failed") { harness.kinds(of: id) == [.failed] }
            #expect(harness.events.last { $0.info?.id == id }?.info?.error?.message?.isEmpty == false)
        }
        try await server.stop()
    }
}

@Suite("Watching with job summaries")
struct WatchSummaryTests {
    @Test("status broadcasts read the small job summaries; the full /queue only when they lack a running prompt's graph")
    func summariesFirst() async throws {
        let server = try await FakeComfyUI.start(routes: [
            "/api/jobs?status=in_progress,pending": FakeComfyUI.Response(body: try Streams.bytes("s02-slow-progress", "http/08-api-jobs-running-and-pending.json")),
            "/queue": FakeComfyUI.Response(body: try Streams.bytes("s02-slow-progress", "http/06-queue-1-running-2-pending.json")),
            "/history?max_items=100": .json("{}"),
            "/kymon/state": .json(#"{"bridge": "kymon", "version": 1, "running": []}"#),
            "/system_stats": FakeComfyUI.Response(body: try Streams.bytes("s00-idle-baseline", "http/05-system-stats.json")),
        ])
        let harness = WatchHarness(server: server)
        let running = "d07fc154-16d2-401f-b3a0-9fe99733f155"
        try await harness.whileWatching(try harness.makeWatcher()) {
            try await harness.waitUntil("the running prompt and two pending ones") {
                harness.kinds(of: running) == [.started] && harness.events.filter { $0.kind == .queued }.count == 2
            }
            let reads = { (target: String) in server.requests.filter { $0.target == target }.count }
            let fullReads = reads("/queue")
            #expect(fullReads == 1, "one full read, for the running prompt's graph")
            for _ in 0..<3 {
                let before = reads("/api/jobs?status=in_progress,pending")
                await server.sendText(#"{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 3}}}}"#)
                try await harness.waitUntil("a summary read") { reads("/api/jobs?status=in_progress,pending") > before }
            }
            #expect(reads("/queue") == fullReads, "nothing new: the summaries were enough")
            // Progress for the running prompt works from the graph read once.
            let frame = #"{"type": "progress_state", "data": {"prompt_id": "\#(running)", "nodes": {"1": {"value": 1.0, "max": 1.0, "state": "finished", "node_id": "1", "display_node_id": "1"}, "2": {"value": 5.0, "max": 10.0, "state": "running", "node_id": "2", "display_node_id": "2"}}}}"#
            await server.sendText(frame)
            try await harness.waitUntil("progress") { harness.events.contains { $0.kind == .progress && ($0.info?.progress ?? 0) > 0.4 } }
        }
        try await server.stop()
    }
}
