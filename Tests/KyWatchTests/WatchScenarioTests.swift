import KyQuery
import KyTestSupport
import Testing

@testable import KyWatch

/// `ServerWatcher` against a fake ComfyUI replaying recorded streams over a real loopback socket.
@Suite("Watching recorded scenarios")
struct WatchScenarioTests {
    /// Replays `scenario` and returns the harness once every submitted prompt has ended.
    private func replay(_ scenario: String, statusOnly: Bool = false, bridge: Bool = true) async throws -> (WatchHarness, [String]) {
        let server = try await FakeComfyUI.start(routes: [:])
        let harness = WatchHarness(server: server)
        let replay = try ScenarioReplay(server: server, scenario: scenario, statusOnly: statusOnly)
        try replay.prepare()
        if bridge { server.setRoute("/kymon/state", .json(#"{"bridge": "kymon", "version": 1, "running": []}"#)) }
        let watcher = try harness.makeWatcher()
        let submitted = try await harness.whileWatching(watcher) {
            try await harness.waitUntil("the socket") { !server.webSocketClientIDs.isEmpty }
            try await harness.waitUntil("the first sync") { harness.panel?.connection == .connected && replay.queueReads > 0 }
            var playing = replay
            try await playing.play { reads in
                try await harness.waitUntil("a /queue read after a status frame", timeout: .seconds(20)) { replay.queueReads > reads }
            }
            let ids = playing.submitted
            try await harness.waitUntil("every prompt to end") {
                ids.allSatisfy { id in harness.kinds(of: id).contains { $0.endsPrompt } }
            }
            return ids
        }
        try await server.stop()
        return (harness, submitted)
    }

    private func final(_ harness: WatchHarness, _ id: String) -> PromptInfo? {
        harness.events.last { $0.info?.id == id }?.info
    }

    @Test("success with the bridge: queued, started, its nodes, completed once, with the server's times")
    func success() async throws {
        let (harness, ids) = try await replay("s01-success")
        let id = try #require(ids.first)
        let kinds = harness.kinds(of: id)
        #expect(kinds.first == .queued)
        #expect(kinds.contains(.started) && kinds.contains(.node))
        #expect(kinds.filter { $0 == .completed }.count == 1)
        #expect(kinds.last == .completed)
        let info = try #require(final(harness, id))
        #expect(info.status == .completed && info.kind == .history)
        #expect(info.startTime != nil && info.endTime != nil)
        #expect(harness.panel?.bridge == true)
        #expect(harness.events.first?.kind == .serverUp)
    }

    @Test("slow progress with pending prompts: positions, rising progress below 1, all completed in order")
    func slowProgress() async throws {
        let (harness, ids) = try await replay("s02-slow-progress")
        #expect(ids.count == 3)
        let slow = ids[0]
        let progress = harness.events.filter { $0.info?.id == slow && $0.kind == .progress }.compactMap(\.info?.progress)
        #expect(progress.count >= 5)
        #expect(progress == progress.sorted())
        #expect(progress.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect((progress.last ?? 0) > 0.5)
        let stepped = harness.events.compactMap { $0.info?.id == slow ? $0.info?.nodeProgress : nil }
        #expect(stepped.contains(NodeProgress(value: 5, max: 10)))
        let queuedPositions = harness.events.filter { $0.kind == .queued && ids.dropFirst().contains($0.info?.id ?? "") }.compactMap(\.info?.queuePosition)
        #expect(queuedPositions == [1, 2])
        let completions = harness.events.filter { $0.kind == .completed }.compactMap(\.info?.id)
        #expect(completions == ids, "each completed once, in the order they ran")
    }

    @Test("an error: failed, with the message and at most two traceback frames")
    func failure() async throws {
        let (harness, ids) = try await replay("s03-error")
        let id = try #require(ids.first)
        let info = try #require(final(harness, id))
        #expect(info.status == .failed)
        #expect(info.error?.message?.isEmpty == false)
        #expect((info.error?.traceback.count ?? 0) <= 2)
        #expect(info.currentNode != nil)
    }

    @Test("an interrupt: interrupted, never failed")
    func interrupt() async throws {
        let (harness, ids) = try await replay("s04-interrupt")
        let id = try #require(ids.first)
        #expect(harness.kinds(of: id).last == .interrupted)
        #expect(!harness.kinds(of: id).contains(.failed))
    }

    @Test("a cached re-run: three prompts, all completed")
    func cachedRerun() async throws {
        let (harness, ids) = try await replay("s05-cached-rerun")
        #expect(ids.count == 3)
        for id in ids { #expect(harness.kinds(of: id).last == .completed) }
    }

    @Test("a deleted pending prompt is removed; the others complete")
    func queueDelete() async throws {
        let (harness, ids) = try await replay("s06-queue-delete")
        let deleted = "7e865bb1-6db8-49d0-8ffc-9b99103825d6"
        #expect(harness.kinds(of: deleted).last == .removed)
        for id in ids where id != deleted { #expect(harness.kinds(of: id).last == .completed, "\(id)") }
        #expect(harness.panel?.lost.contains(deleted) == true)
    }

    @Test("without the bridge (status broadcasts only): no node progress, but every outcome is right")
    func withoutBridge() async throws {
        let (harness, ids) = try await replay("s02-slow-progress", statusOnly: true, bridge: false)
        #expect(harness.panel?.bridge == false)
        #expect(!harness.events.contains { $0.kind == .progress })
        for id in ids {
            #expect(harness.kinds(of: id).contains(.started), "\(id)")
            #expect(harness.kinds(of: id).last == .completed, "\(id)")
        }
    }
}
