import Foundation
import KyTestSupport
import Testing

/// `watch` and `publish --interval` give back code pages only start-up needed (`MemoryTrim`),
/// seen from outside: the debug log line, and the process's resident file pages.
@Suite("memory trim in long-running commands")
struct MemoryTrimCommandTests {
    #if os(Linux)
    @Test("kymon watch: the trim runs a few seconds in, and the resident file pages go down")
    func watch() async throws {
        let fake = try await FakeComfyUI.start(routes: [
            "/queue": .json(#"{"queue_running": [], "queue_pending": []}"#),
            "/history?max_items=100": .json("{}"),
            "/system_stats": .json(#"{"system": {"comfyui_version": "0.8.0"}}"#),
        ])
        let kymon = try RunningKymon(["watch", "--server", fake.baseURL, "--format", "jsonl", "--log-level", "debug"])
        var before = 0
        var after = 0
        let status = try await kymon.run {
            try await kymon.waitUntil("server_up") { kymon.lines.contains { $0["event"] as? String == "server_up" } }
            before = try #require(ProcessStatus.kib("RssFile", of: kymon.process.processIdentifier))
            try await kymon.waitUntil("the memory trim") { Self.droppedKiB(in: kymon.stderr) != nil }
            after = try #require(ProcessStatus.kib("RssFile", of: kymon.process.processIdentifier))
            kymon.signal(SIGTERM)
        }
        #expect(status == 0)
        #expect((Self.droppedKiB(in: kymon.stderr) ?? 0) > 0)
        #expect(after < before, "RssFile: \(before) KiB before the trim, \(after) KiB after")
        try await fake.stop()
    }

    @Test("kymon publish --interval: the trim runs too, and SIGTERM still ends it with 0")
    func publish() async throws {
        let kymon = try RunningKymon(["publish", "--from", KymonProcess.fixture("history.json"), "--stdout", "--interval", "0.5", "--log-level", "debug"])
        var before = 0
        var after = 0
        let status = try await kymon.run {
            try await kymon.waitUntil("the first message") { !kymon.lines.isEmpty }
            before = try #require(ProcessStatus.kib("RssFile", of: kymon.process.processIdentifier))
            try await kymon.waitUntil("the memory trim") { Self.droppedKiB(in: kymon.stderr) != nil }
            after = try #require(ProcessStatus.kib("RssFile", of: kymon.process.processIdentifier))
            let published = kymon.lines.count
            try await kymon.waitUntil("a round after the trim") { kymon.lines.count > published }
            kymon.signal(SIGTERM)
        }
        #expect(status == 0)
        #expect((Self.droppedKiB(in: kymon.stderr) ?? 0) > 0)
        #expect(after < before, "RssFile: \(before) KiB before the trim, \(after) KiB after")
    }

    /// The KiB in the first "memory trim: dropped N KiB" log line.
    private static func droppedKiB(in stderr: String) -> Int? {
        guard let range = stderr.range(of: "memory trim: dropped ") else { return nil }
        return Int(stderr[range.upperBound...].prefix { $0.isNumber })
    }
    #endif
}
