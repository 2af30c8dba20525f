import Testing
@testable import KyQuery

/// Field-by-field checks of real scenarios, written from the capture set's README.
@Suite("Decoding real ComfyUI captures")
struct CaptureDecodingTests {
    @Test("a failed prompt: node, error type, trimmed message, two innermost frames")
    func failedPrompt() throws {
        let info = try #require(try decodeCaptures("s03-error/02-history-by-id-error.json").items.first)
        #expect(info.id == "779977d7-6cf5-4b6d-9ecf-1e583e633389")
        #expect(info.kind == .history)
        #expect(info.status == .failed)
        #expect(info.result == "failure")
        #expect(info.number == 4)
        #expect(info.currentNode == NodeReference(id: "3", type: "KymonFailNode"))
        #expect(info.error?.type == "ValueError")
        #expect(info.error?.message == "kymon test failure: bad input")
        #expect(info.error?.traceback.count == 2)
        #expect(info.error?.traceback.allSatisfy { $0.hasPrefix("kymon_test_nodes/__init__.py, line ") } == true)
        #expect(info.startTime == 1_795_973_169_458)
        #expect(info.endTime == 1_795_973_169_500)
        #expect(info.durationMilliseconds == 42)
        #expect(info.outputs.isEmpty)
    }

    @Test("an interrupted prompt is interrupted although status_str says error")
    func interruptedPrompt() throws {
        let info = try #require(try decodeCaptures("s04-interrupt/04-history-by-id-interrupted.json").items.first)
        #expect(info.status == .interrupted)
        #expect(info.result == "failure")
        #expect(info.error == nil)
        #expect(info.currentNode == NodeReference(id: "2", type: "KymonSlowNode"))
        #expect(info.endTime == 1_795_973_172_152)
    }

    @Test("a cached re-run completes with its cached outputs")
    func cachedRerun() throws {
        let info = try #require(try decodeCaptures("s05-cached-rerun/05-history-run2-cached.json").items.first)
        #expect(info.status == .completed)
        #expect(info.result == "success")
        #expect(!info.outputs.isEmpty)
        #expect(info.outputs.allSatisfy { $0.hasSuffix(".png") })
    }

    @Test("a running prompt and pending prompts ranked by number")
    func queue() throws {
        let snapshot = try decodeCaptures("s02-slow-progress/06-queue-1-running-2-pending.json")
        #expect(snapshot.queue == QueueCounts(running: 1, pending: 2))
        #expect(snapshot.items.map(\.status) == [.running, .pending, .pending])
        #expect(snapshot.items.map(\.queuePosition) == [nil, 1, 2])
        #expect(snapshot.items[0].id == "d07fc154-16d2-401f-b3a0-9fe99733f155")
        #expect(snapshot.items[0].kind == .queue)
        #expect(snapshot.items[0].createTime == 1_795_973_158_490)
    }

    @Test("an id in both a queue and a history document is history, whatever the order")
    func historyWins() throws {
        let forward = try decodeCaptures("s02-slow-progress/06-queue-1-running-2-pending.json", "s09-final-snapshots/01-history-all.json")
        let backward = try decodeCaptures("s09-final-snapshots/01-history-all.json", "s02-slow-progress/06-queue-1-running-2-pending.json")
        for snapshot in [forward, backward] {
            #expect(snapshot.item("d07fc154")?.status == .completed)
            #expect(snapshot.item("55bccfa9")?.kind == .history)
            #expect(snapshot.queue == QueueCounts(running: 0, pending: 0))
        }
    }

    @Test("history is newest first")
    func historyOrder() throws {
        let items = try decodeCaptures("s09-final-snapshots/01-history-all.json").items
        #expect(items.count == 18)
        let ends = items.compactMap(\.endTime)
        #expect(ends.count == 18)
        #expect(ends == ends.sorted(by: >))
    }

    @Test("jobs API: interrupted prompts listed as failed become interrupted")
    func jobsList() throws {
        let snapshot = try decodeCaptures("s09-final-snapshots/05-api-jobs-all.json")
        #expect(snapshot.item("3557d529")?.status == .interrupted)
        #expect(snapshot.item("cdc1eff0")?.status == .interrupted)
        #expect(snapshot.item("e38ff296")?.status == .failed)
        #expect(snapshot.item("e38ff296")?.error?.type == "RuntimeError")
        #expect(snapshot.item("927bc2bd")?.status == .completed)
        #expect(snapshot.queue == QueueCounts(running: 0, pending: 0))
    }

    @Test("jobs API: a detail view is decided like a history entry")
    func jobDetail() throws {
        let interrupted = try #require(try decodeCaptures("s04-interrupt/05-api-job-interrupted.json").items.first)
        #expect(interrupted.status == .interrupted)
        #expect(interrupted.currentNode == NodeReference(id: "2", type: "KymonSlowNode"))
        let failed = try #require(try decodeCaptures("s03-error/03-api-job-failed.json").items.first)
        #expect(failed.status == .failed)
        #expect(failed.error?.message == "kymon test failure: bad input")
    }

    @Test("jobs API: running and pending jobs")
    func jobsQueue() throws {
        let snapshot = try decodeCaptures("s02-slow-progress/08-api-jobs-running-and-pending.json")
        #expect(snapshot.items.map(\.status) == [.running, .pending, .pending, .completed])
        #expect(snapshot.items.map(\.queuePosition) == [nil, 1, 2, nil])
        #expect(snapshot.queue == QueueCounts(running: 1, pending: 2))
    }

    @Test("empty documents: idle queue, empty history, unknown id")
    func emptyDocuments() throws {
        #expect(try decodeCaptures("s00-idle-baseline/01-queue-idle.json").queue == QueueCounts(running: 0, pending: 0))
        #expect(try decodeCaptures("s00-idle-baseline/03-history-empty.json").items.isEmpty)
        #expect(try decodeCaptures("s09-final-snapshots/04-history-unknown-id.json").items.isEmpty)
        #expect(try decodeCaptures("s00-idle-baseline/04-api-jobs-empty.json").items.isEmpty)
    }

    @Test("the workflow and extra_data never reach the output")
    func noWorkflowInOutput() throws {
        let snapshot = try decodeCaptures("s02-slow-progress/06-queue-1-running-2-pending.json", "s09-final-snapshots/01-history-all.json")
        let text = String(decoding: snapshot.jsonBytes, as: UTF8.self)
        for secret in ["extra_pnginfo", "client_id", "class_type", "inputs", "workflow", "360a68258aca49029fe018171326d072"] {
            #expect(!text.contains(secret), "output contains \(secret)")
        }
    }
}
