import Foundation
import KyTestSupport
import Testing

/// `kymon watch` as a user runs it: a real process, a fake ComfyUI over loopback, signals.
@Suite("kymon watch")
struct WatchCommandTests {
    private static let status = #"{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}"#
    private static let queued = #"{"queue_running": [], "queue_pending": [[7, "p-1", {"1": {"class_type": "EmptyImage", "inputs": {}}}, {"create_time": 1795973000000}, ["1"]]]}"#

    private func server() async throws -> FakeComfyUI {
        try await FakeComfyUI.start(routes: [
            "/queue": .json(#"{"queue_running": [], "queue_pending": []}"#),
            "/history?max_items=100": .json("{}"),
            "/history?max_items=20": .json("{}"),
            "/system_stats": .json(#"{"system": {"comfyui_version": "0.8.0"}}"#),
        ])
    }

    @Test("jsonl: kymon.event/1 lines numbered per server; SIGTERM ends it with 0")
    func eventsAndSigterm() async throws {
        let fake = try await server()
        let kymon = try RunningKymon(["watch", "--server", fake.baseURL, "--format", "jsonl"])
        let status = try await kymon.run {
            try await kymon.waitUntil("server_up") { kymon.lines.contains { $0["event"] as? String == "server_up" } }
            try await kymon.waitUntil("the socket") { !fake.webSocketClientIDs.isEmpty }
            fake.setRoute("/queue", .json(Self.queued))
            await fake.sendText(Self.status)
            try await kymon.waitUntil("queued") { kymon.lines.contains { $0["event"] as? String == "queued" } }
            kymon.signal(SIGTERM)
        }
        #expect(status == 0)
        let lines = kymon.lines
        #expect(lines.allSatisfy { $0["schema"] as? String == "kymon.event/1" && $0["server"] as? String == fake.baseURL })
        #expect(lines.compactMap { $0["seq"] as? Int } == Array(1...lines.count))
        let queued = try #require(lines.first { $0["event"] as? String == "queued" })
        let info = try #require(queued["info"] as? [String: Any])
        #expect(info["id"] as? String == "p-1" && info["status"] as? String == "pending" && info["queue_position"] as? Int == 1)
        let up = try #require(lines.first)
        #expect((up["detail"] as? [String: Any])?["version"] as? String == "0.8.0")
        #expect(fake.webSocketClientIDs.isEmpty || fake.webSocketClientIDs.allSatisfy { $0.hasPrefix("kymon-") })
        try await fake.stop()
    }

    @Test("SIGINT ends it with 130")
    func sigint() async throws {
        let fake = try await server()
        let kymon = try RunningKymon(["watch", "--server", fake.baseURL, "--format", "jsonl"])
        let status = try await kymon.run {
            try await kymon.waitUntil("server_up") { kymon.lines.contains { $0["event"] as? String == "server_up" } }
            kymon.signal(SIGINT)
        }
        #expect(status == 130)
        try await fake.stop()
    }

    @Test("a fleet: one server down never stalls the other; events name their server")
    func fleet() async throws {
        let fake = try await server()
        try await RefusingPort.withURL { down in
            let kymon = try RunningKymon(["watch", "--server", fake.baseURL, "--server", down, "--format", "jsonl", "--interval", "0.5"])
            let status = try await kymon.run {
                try await kymon.waitUntil("server_down for the refusing one") {
                    kymon.lines.contains { $0["event"] as? String == "server_down" && $0["server"] as? String == down }
                }
                try await kymon.waitUntil("the socket") { !fake.webSocketClientIDs.isEmpty }
                fake.setRoute("/queue", .json(Self.queued))
                await fake.sendText(Self.status)
                try await kymon.waitUntil("queued on the good one") {
                    kymon.lines.contains { $0["event"] as? String == "queued" && $0["server"] as? String == fake.baseURL }
                }
                kymon.signal(SIGTERM)
            }
            #expect(status == 0)
            let down = kymon.lines.first { $0["event"] as? String == "server_down" }
            #expect(((down?["detail"] as? [String: Any])?["reason"] as? String)?.isEmpty == false)
        }
        try await fake.stop()
    }

    @Test("--channel webhook: the same events are POSTed, and flushed before exit")
    func webhookChannel() async throws {
        let fake = try await server()
        let hook = try await FakeComfyUI.start(routes: ["/hook": .json("{}")])
        let kymon = try RunningKymon(
            ["watch", "--server", fake.baseURL, "--format", "jsonl", "--channel", "webhook"],
            environment: ["KY_MONITOR_WEBHOOK_URL": hook.baseURL + "/hook"]
        )
        let status = try await kymon.run {
            try await kymon.waitUntil("the socket") { !fake.webSocketClientIDs.isEmpty }
            fake.setRoute("/queue", .json(Self.queued))
            await fake.sendText(Self.status)
            try await kymon.waitUntil("queued") { kymon.lines.contains { $0["event"] as? String == "queued" } }
            kymon.signal(SIGTERM)
        }
        #expect(status == 0)
        let bodies = hook.requests.compactMap { String(decoding: $0.body, as: UTF8.self).jsonObject }
        #expect(bodies.contains { $0["event"] as? String == "queued" && $0["schema"] as? String == "kymon.event/1" })
        #expect(bodies.count == kymon.lines.count, "every event written was delivered")
        try await hook.stop()
        try await fake.stop()
    }

    @Test("--channel webhook while the webhook is down: events wait in its outbox and arrive in order once it is back")
    func webhookOutbox() async throws {
        let fake = try await server()
        let hook = try await FakeComfyUI.start(routes: ["/hook": .json(#"{"error": "maintenance"}"#, status: 503)])
        let kymon = try RunningKymon(
            ["watch", "--server", fake.baseURL, "--format", "jsonl", "--channel", "webhook"],
            environment: ["KY_MONITOR_WEBHOOK_URL": hook.baseURL + "/hook", "KY_MONITOR_WEBHOOK_RETRIES": "0", "KY_MONITOR_WEBHOOK_BACKOFF_MS": "20"]
        )
        let status = try await kymon.run {
            try await kymon.waitUntil("the socket") { !fake.webSocketClientIDs.isEmpty }
            fake.setRoute("/queue", .json(Self.queued))
            await fake.sendText(Self.status)
            try await kymon.waitUntil("queued") { kymon.lines.contains { $0["event"] as? String == "queued" } }
            try await kymon.waitUntil("the webhook refused something") { !hook.requests.isEmpty }
            hook.setRoute("/hook", .json("{}"))
            try await kymon.waitUntil("every event delivered") {
                hook.requests.compactMap { String(decoding: $0.body, as: UTF8.self).jsonObject?["seq"] as? Int }.reduce(into: Set<Int>()) { $0.insert($1) }.count == kymon.lines.count
            }
            kymon.signal(SIGTERM)
        }
        #expect(status == 0)
        let accepted = hook.requests.filter { !$0.body.isEmpty }.compactMap { String(decoding: $0.body, as: UTF8.self).jsonObject?["seq"] as? Int }
        // Refused attempts are retried; the order in which seqs are first seen is the order written.
        var firstSeen: [Int] = []
        for seq in accepted where !firstSeen.contains(seq) { firstSeen.append(seq) }
        #expect(firstSeen == Array(1...kymon.lines.count))
        #expect(kymon.stderr.contains("channel webhook is down"))
        #expect(kymon.stderr.contains("channel webhook is back"))
        try await hook.stop()
        try await fake.stop()
    }

    @Test("kymon watch | head -n 1 ends by itself once head has its line")
    func readerGoes() async throws {
        try await RefusingPort.withURL { down in
            let output = try KymonProcess.temporaryFile("", name: "out.txt")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "timeout 30 '\(KymonProcess.binary.path)' watch --server \(down) --format jsonl 2>/dev/null | head -n 1 > '\(output)'"]
            let clock = ContinuousClock()
            let start = clock.now
            try await KymonProcess.runToExit(process)
            #expect(clock.now - start < .seconds(20), "kymon noticed that its reader went away")
            let line = try String(contentsOfFile: output, encoding: .utf8)
            #expect(line.jsonObject?["event"] as? String == "server_down")
        }
    }

    @Test("a repeated --server is refused by the commands that read one server")
    func oneServerCommands() async throws {
        let outcome = try await KymonProcess.run(["snapshot", "--server", "http://127.0.0.1:1", "--server", "http://127.0.0.1:2"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("only 'kymon watch' follows several servers"))
    }
}
