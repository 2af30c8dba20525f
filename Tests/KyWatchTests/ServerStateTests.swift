import KyQuery
import Testing

@testable import KyWatch

@Suite("The watch state machine, fed recorded streams")
struct ServerStateTests {
    private let slow = "d07fc154-16d2-401f-b3a0-9fe99733f155"

    @Test("every recorded text frame decodes, and execution messages are recognised")
    func everyFrameDecodes() throws {
        for scenario in ["s01-success", "s02-slow-progress", "s03-error", "s04-interrupt", "s05-cached-rerun", "s06-queue-delete"] {
            for observer in ["submitter", "passive"] {
                for frame in try Streams.frames(scenario, observer: observer) {
                    let event = try ComfyEvent.decode(Array(frame.text.utf8), name: "\(scenario)/\(observer)")
                    if case .other(let type) = event {
                        #expect(["feature_flags", "executed"].contains(type), "\(scenario): \(frame.text.prefix(80))")
                    }
                }
            }
        }
    }

    @Test("a slow prompt: started, nodes with their types, progress rising below 1, then a confirmation request")
    func slowProgress() throws {
        var state = ServerState()
        let queue = try Streams.queue("s02-slow-progress", "03-queue-1-running-0-pending.json")
        let (initial, departed, reset) = state.apply(queue: queue, now: 1_000)
        #expect(initial.map(\.kind) == [.started])
        #expect(departed.isEmpty && !reset)

        var kinds: [WatchEvent.Kind] = []
        var progress: [Double] = []
        var nodes: [String] = []
        var confirmations: [String] = []
        for frame in try Streams.frames("s02-slow-progress") {
            let followup = state.apply(try ComfyEvent.decode(Array(frame.text.utf8), name: "frame"), now: 2_000)
            for change in followup.changes where change.info.id == slow {
                kinds.append(change.kind)
                if change.kind == .progress, let value = change.info.progress { progress.append(value) }
                if change.kind == .node, let node = change.info.currentNode { nodes.append("\(node.type ?? "?") #\(node.id)") }
            }
            if let id = followup.confirm { confirmations.append(id) }
        }
        #expect(nodes == ["EmptyImage #1", "KymonSlowNode #2", "PreviewImage #3"])
        #expect(progress.count >= 10)
        #expect(progress == progress.sorted(), "progress never goes back")
        #expect(progress.allSatisfy { $0 < 1 })
        #expect(!kinds.contains(.completed), "the event alone never reports completion")
        #expect(confirmations.first == slow)
        #expect(state.isActive(slow), "still running until history confirms it")
    }

    @Test("history confirms the end once; a repeated answer reports nothing")
    func confirmation() throws {
        var state = ServerState()
        _ = state.apply(queue: try Streams.queue("s02-slow-progress", "03-queue-1-running-0-pending.json"), now: 1_000)
        let entry = try #require(try Streams.history("s02-slow-progress", "14-history-by-id-slow.json").first)
        let first = state.apply(finished: entry)
        #expect(first.map(\.kind) == [.completed])
        #expect(first.first?.info.startTime == 1_795_973_158_492, "the server's start time replaces the first-seen one")
        #expect(state.apply(finished: entry).isEmpty)
        #expect(!state.isActive(slow))
        #expect(state.finished.map(\.id) == [slow])
    }

    @Test("a failure carries the error from history")
    func failure() throws {
        var state = ServerState()
        let entry = try #require(try Streams.history("s03-error", "02-history-by-id-error.json").first)
        _ = state.apply(queue: LiveSource.QueueView(items: [PromptInfo(id: entry.id, kind: .queue, status: .running, number: 5)]), now: 0)
        let changes = state.apply(finished: entry)
        #expect(changes.map(\.kind) == [.failed])
        #expect(changes.first?.info.error?.message?.isEmpty == false)
    }

    @Test("a pending prompt that leaves the queue without history is removed; after a restart, lost")
    func removedAndLost() throws {
        var state = ServerState()
        let items = (1...3).map { PromptInfo(id: "p\($0)", kind: .queue, status: .pending, number: Double($0)) }
        let first = state.apply(queue: LiveSource.QueueView(items: items), now: 0)
        #expect(first.changes.map(\.kind) == [.queued, .queued, .queued])
        #expect(first.changes.map(\.info.queuePosition) == [1, 2, 3])
        let second = state.apply(queue: LiveSource.QueueView(items: [items[0], items[2]]), now: 1)
        #expect(second.departed == ["p2"])
        #expect(state.apply(missing: "p2", lost: false).map(\.kind) == [.removed])
        #expect(state.activeItems.map(\.queuePosition) == [1, 2])
        #expect(state.apply(missing: "p3", lost: true).map(\.kind) == [.lost])
        #expect(state.apply(missing: "p3", lost: true).isEmpty, "reported once")
    }

    @Test("a new prompt numbered below the highest seen means the server's counter restarted")
    func counterReset() {
        var state = ServerState()
        state.baseline(history: [PromptInfo(id: "old", kind: .history, status: .completed, number: 41)])
        let fresh = state.apply(queue: LiveSource.QueueView(items: [PromptInfo(id: "new", kind: .queue, status: .pending, number: 0)]), now: 0)
        #expect(fresh.counterReset)
        var normal = ServerState()
        normal.baseline(history: [PromptInfo(id: "old", kind: .history, status: .completed, number: 41)])
        let next = normal.apply(queue: LiveSource.QueueView(items: [PromptInfo(id: "new", kind: .queue, status: .pending, number: 42)]), now: 0)
        #expect(!next.counterReset)
        let front = normal.apply(queue: LiveSource.QueueView(items: [PromptInfo(id: "front", kind: .queue, status: .pending, number: -43)]), now: 0)
        #expect(!front.counterReset, "prompts queued at the front get negative numbers")
    }

    @Test("ExecutionBlocked (an execution_error without timestamp) does not end the prompt")
    func blockedIsNotTerminal() throws {
        var state = ServerState()
        let blocked = #"{"type":"execution_error","data":{"prompt_id":"p","node_id":"4","node_type":"X","exception_type":"ExecutionBlocked","exception_message":"m","traceback":[],"current_outputs":[]}}"#
        #expect(state.apply(try ComfyEvent.decode(Array(blocked.utf8), name: "f"), now: 0).confirm == nil)
        let real = #"{"type":"execution_error","data":{"prompt_id":"p","node_id":"4","node_type":"X","exception_type":"ValueError","exception_message":"m","traceback":[],"timestamp":5}}"#
        #expect(state.apply(try ComfyEvent.decode(Array(real.utf8), name: "f"), now: 0).confirm == "p")
    }

    @Test("ETAs: the median of recent runs of the same workflow, queued up behind the running prompt")
    func expectedEnds() {
        var state = ServerState()
        let runs = [10_000, 30_000, 20_000].enumerated().map { index, duration in
            var info = PromptInfo(id: "h\(index)", kind: .history, status: .completed, number: Double(index), startTime: 0, endTime: Int64(duration))
            info.workflowKey = "ui:w"
            return info
        }
        state.baseline(history: runs)
        var running = PromptInfo(id: "r", kind: .queue, status: .running, number: 10)
        running.workflowKey = "ui:w"
        var next = PromptInfo(id: "n", kind: .queue, status: .pending, number: 11)
        next.workflowKey = "ui:w"
        var unknown = PromptInfo(id: "u", kind: .queue, status: .pending, number: 12)
        unknown.workflowKey = "ui:other"
        var after = PromptInfo(id: "z", kind: .queue, status: .pending, number: 13)
        after.workflowKey = "ui:w"
        _ = state.apply(queue: LiveSource.QueueView(items: [running, next, unknown, after]), now: 100_000)
        state.updateExpectedEnds(now: 105_000)
        let items = Dictionary(uniqueKeysWithValues: state.activeItems.map { ($0.id, $0) })
        #expect(items["r"]?.expectedEndTime == 120_000, "started at first sight (100 s) + median 20 s")
        #expect(items["n"]?.expectedEndTime == 140_000)
        #expect(items["u"]?.expectedEndTime == nil, "no runs of its workflow: no basis")
        #expect(items["z"]?.expectedEndTime == nil, "behind a prompt without an ETA: no basis either")
    }

    @Test("progress events are limited per prompt, and the held-back latest one goes out later")
    func throttle() {
        var throttle = ProgressThrottle(perSecond: 2)
        let event = { (at: Int64, value: Double) in
            WatchEvent(kind: .progress, server: "s", at: at, info: PromptInfo(id: "p", kind: .queue, status: .running, progress: value))
        }
        #expect(throttle.admit([event(0, 0.1)], now: 0).count == 1)
        #expect(throttle.admit([event(100, 0.2), event(200, 0.3)], now: 200).isEmpty)
        #expect(throttle.due(now: 300).isEmpty)
        #expect(throttle.due(now: 500).map(\.info?.progress) == [0.3])
        let completed = WatchEvent(kind: .completed, server: "s", at: 600, info: PromptInfo(id: "p", kind: .history, status: .completed))
        #expect(throttle.admit([event(550, 0.9)], now: 550).isEmpty)
        #expect(throttle.admit([completed], now: 600).map(\.kind) == [.completed], "a held progress is dropped once the prompt ends")
        #expect(throttle.due(now: 2_000).isEmpty)
    }
}
