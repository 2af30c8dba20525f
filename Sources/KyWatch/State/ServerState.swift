import KyQuery

/// Everything one server's watcher knows, and the rules that turn what it reads into events.
///
/// Pure and synchronous: the watcher feeds it `/queue` and `/history` answers and socket messages
/// and sends out the changes it returns. Times are kymon's clock (`now`) unless the server said.
public struct ServerState: Sendable {
    /// A prompt event before it is stamped with server and time.
    public struct Change: Sendable, Equatable {
        public var kind: WatchEvent.Kind
        public var info: PromptInfo
    }

    /// What a socket message asks of the watcher besides its changes.
    public struct Followup: Sendable, Equatable {
        public var changes: [Change] = []
        /// Re-read `/queue` (debounced).
        public var queueChanged = false
        /// Ask `/history/{id}`: the prompt ended, but the event alone does not say how.
        public var confirm: String?
    }

    /// Finished prompts kept for the view.
    public static let finishedMemory = 50
    /// Finished ids remembered so late or repeated answers do not report a prompt twice.
    static let finishedIDMemory = 5_000

    private var active: [String: TrackedPrompt] = [:]
    /// Newest first.
    public private(set) var finished: [PromptInfo] = []
    /// Ids of prompts removed or lost, newest first (for the view).
    public private(set) var vanished: [String] = []
    private var finishedIDs: Set<String> = []
    private var finishedOrder: [String] = []
    private var durations = DurationBook()
    /// The highest non-negative queue number seen; a new prompt below it means the counter reset.
    private var highestNumber: Double = -1

    public init() {}

    /// True while any prompt is running or pending.
    public var hasActivePrompts: Bool { !active.isEmpty }

    /// Running prompts by number, then pending by (number, id) with their queue positions.
    public var activeItems: [PromptInfo] {
        let infos = active.values.map(\.info)
        let byNumber: (PromptInfo, PromptInfo) -> Bool = { lhs, rhs in
            let left = lhs.number ?? .infinity
            let right = rhs.number ?? .infinity
            return left != right ? left < right : lhs.id < rhs.id
        }
        var pending = infos.filter { $0.status == .pending }.sorted(by: byNumber)
        for index in pending.indices { pending[index].queuePosition = index + 1 }
        return infos.filter { $0.status == .running }.sorted(by: byNumber) + pending
    }

    /// The current ETA of an active prompt.
    public func expectedEndTime(of id: String) -> Int64? { active[id]?.info.expectedEndTime }

    /// Whether kymon has seen `id` at all (active, finished, removed or lost).
    public func knows(_ id: String) -> Bool { active[id] != nil || finishedIDs.contains(id) }

    /// Whether a queue read without graphs (job summaries) leaves something only the full `/queue`
    /// can tell: a new prompt without a UI workflow id (its workflow key is a hash of its graph), or,
    /// with `wantGraphs`, a running prompt whose graph progress needs.
    public func lacksDetails(_ queue: LiveSource.QueueView, wantGraphs: Bool) -> Bool {
        queue.items.contains { item in
            if !knows(item.id), item.workflowKey == nil { return true }
            return wantGraphs && item.status == .running && active[item.id]?.graph == nil
        }
    }

    /// The prompts pending or running as far as kymon knows.
    public var activeIDs: Set<String> { Set(active.keys) }

    /// Whether `id` is pending or running as far as kymon knows.
    public func isActive(_ id: String) -> Bool { active[id] != nil }

    // MARK: - HTTP answers

    /// Takes the history window read at start-up (or after a restart) as the baseline: no events,
    /// but it feeds the finished list and the ETAs.
    public mutating func baseline(history: [PromptInfo]) {
        for info in history.reversed() where !finishedIDs.contains(info.id) { remember(info) }
        noteNumbers(history)
    }

    /// Applies a `/queue` answer. Returns the changes, the prompts that left the queue (ask
    /// `/history/{id}` for each), and whether the queue numbers show a restarted server.
    public mutating func apply(queue: LiveSource.QueueView, now: Int64) -> (changes: [Change], departed: [String], counterReset: Bool) {
        var changes: [Change] = []
        var present: Set<String> = []
        var counterReset = false
        for item in queue.items where !finishedIDs.contains(item.id) {
            present.insert(item.id)
            if var tracked = active[item.id] {
                tracked.info.number = item.number ?? tracked.info.number
                tracked.info.createTime = item.createTime ?? tracked.info.createTime
                tracked.info.workflowKey = item.workflowKey ?? tracked.info.workflowKey
                tracked.graph = tracked.graph ?? queue.graphs[item.id]
                if item.status == .running, tracked.info.status == .pending {
                    start(&tracked, at: nil, now: now)
                    changes.append(Change(kind: .started, info: tracked.info))
                }
                active[item.id] = tracked
            } else {
                if let number = item.number, number >= 0, highestNumber >= 0, number < highestNumber { counterReset = true }
                var tracked = TrackedPrompt(info: item, graph: queue.graphs[item.id])
                tracked.info.queuePosition = nil
                if item.status == .running {
                    start(&tracked, at: nil, now: now)
                    changes.append(Change(kind: .started, info: tracked.info))
                } else {
                    changes.append(Change(kind: .queued, info: tracked.info))
                }
                active[item.id] = tracked
            }
        }
        noteNumbers(queue.items)
        let departed = active.keys.filter { !present.contains($0) }.sorted()
        return (withPositions(changes), departed, counterReset)
    }

    /// A prompt's history entry (from `/history/{id}` or a window): its final event, unless
    /// already reported.
    public mutating func apply(finished info: PromptInfo) -> [Change] {
        guard info.status.isTerminal, !finishedIDs.contains(info.id) else { return [] }
        var final = info
        if let tracked = active.removeValue(forKey: info.id) {
            final.workflowKey = final.workflowKey ?? tracked.info.workflowKey
            final.createTime = final.createTime ?? tracked.info.createTime
            final.startTime = final.startTime ?? (tracked.provisionalStart ? nil : tracked.info.startTime)
        }
        remember(final)
        return [Change(kind: .finished(final.status), info: final)]
    }

    /// A prompt left the queue and the server has no history for it: `removed`, or `lost` when
    /// the server restarted.
    public mutating func apply(missing id: String, lost: Bool) -> [Change] {
        guard var tracked = active.removeValue(forKey: id) else { return [] }
        tracked.info.queuePosition = nil
        tracked.info.expectedEndTime = nil
        rememberID(id)
        vanished.insert(id, at: 0)
        if vanished.count > Self.finishedMemory { vanished.removeLast() }
        return [Change(kind: lost ? .lost : .removed, info: tracked.info)]
    }

    // MARK: - Socket messages

    /// Applies one message of the socket.
    public mutating func apply(_ event: ComfyEvent, now: Int64) -> Followup {
        var followup = Followup()
        switch event {
        case .status:
            followup.queueChanged = true
        case .executionStart(let id, let timestamp):
            followup.changes = started(id, at: timestamp, now: now)
        case .executionCached(let id, let nodes):
            followup.changes = started(id, at: nil, now: now)
            update(id) { tracked in
                tracked.cached = Set(nodes)
                return false
            }
        case .executing(let id, nil):
            if let id = id ?? soleRunningID { followup.confirm = id }
        case .executing(let id, let node?):
            guard let id = id ?? soleRunningID else { break }
            followup.changes = started(id, at: nil, now: now)
            if update(id, { $0.move(to: node) }), let info = active[id]?.info { followup.changes.append(Change(kind: .node, info: info)) }
        case .progress(let id, let node, let progress):
            guard let id = id ?? soleRunningID, !finishedIDs.contains(id) else { break }
            followup.changes = started(id, at: nil, now: now)
            var moved = false
            let changed = update(id) { tracked in
                if let node { moved = tracked.move(to: NodeReference(id: node)) }
                let before = tracked.info.nodeProgress
                tracked.info.nodeProgress = progress.max > 0 ? progress : nil
                return before != tracked.info.nodeProgress || moved
            }
            if let info = active[id]?.info {
                if moved { followup.changes.append(Change(kind: .node, info: info)) }
                if changed { followup.changes.append(Change(kind: .progress, info: info)) }
            }
        case .progressState(let id, let nodes):
            guard !finishedIDs.contains(id) else { break }
            followup.changes = started(id, at: nil, now: now)
            var moved = false
            let changed = update(id) { tracked in
                let before = (tracked.info.progress, tracked.info.nodeProgress)
                tracked.nodeStates = nodes
                if let (nodeID, state) = nodes.sorted(by: { $0.key < $1.key }).first(where: { $0.value.state == "running" }) {
                    moved = tracked.move(to: NodeReference(id: state.displayNodeID ?? nodeID))
                    if let value = state.value, let max = state.max, max > 1 { tracked.info.nodeProgress = NodeProgress(value: value, max: max) }
                }
                tracked.updateProgress()
                return before != (tracked.info.progress, tracked.info.nodeProgress) || moved
            }
            if let info = active[id]?.info {
                if moved { followup.changes.append(Change(kind: .node, info: info)) }
                if changed { followup.changes.append(Change(kind: .progress, info: info)) }
            }
        case .executionSuccess(let id, _), .executionInterrupted(let id, _, _):
            followup.confirm = id
        case .executionError(let id, let timestamp, _, _):
            // Without a timestamp it is ComfyUI's ExecutionBlocked notice: the prompt goes on.
            if timestamp != nil { followup.confirm = id }
        case .other:
            break
        }
        return followup
    }

    /// Applies the kymon bridge's `/kymon/state` (read after a reconnect): node and progress of
    /// the running prompts.
    public mutating func apply(bridge prompts: [BridgeRunningPrompt], now: Int64) -> [Change] {
        var changes: [Change] = []
        for prompt in prompts where !finishedIDs.contains(prompt.promptID) {
            changes += started(prompt.promptID, at: prompt.startedAt, now: now)
            update(prompt.promptID) { tracked in
                tracked.nodeStates = prompt.nodes
                tracked.cached = Set(prompt.cached)
                if let node = prompt.currentNode { _ = tracked.move(to: node) }
                tracked.updateProgress()
                return true
            }
        }
        return changes
    }

    // MARK: - ETAs

    /// Expected end times: a running prompt from its start and the median of its workflow's recent
    /// runs (or its own pace when overdue); pending ones queue up behind it. Omitted without a basis.
    public mutating func updateExpectedEnds(now: Int64) {
        var cursor: Int64? = now
        for info in activeItems {
            guard var tracked = active[info.id] else { continue }
            let median = durations.median(for: info.workflowKey)
            var expected: Int64?
            if info.status == .running {
                if let median, let start = info.startTime, start + median > now {
                    expected = start + median
                } else if let progress = info.progress, progress >= 0.05, let start = info.startTime, now > start {
                    expected = now + Int64(Double(now - start) * (1 - progress) / progress)
                }
                cursor = expected.map { max($0, cursor ?? $0) } ?? nil
            } else if let median, let start = cursor {
                expected = start + median
                cursor = expected
            } else {
                cursor = nil
            }
            tracked.info.expectedEndTime = expected
            active[info.id] = tracked
        }
    }

    // MARK: - Helpers

    private var soleRunningID: String? {
        let running = active.values.filter { $0.info.status == .running }
        return running.count == 1 ? running.first?.info.id : nil
    }

    /// Marks `id` running (creating it when the socket is first to tell); `started` when it was not.
    private mutating func started(_ id: String, at timestamp: Int64?, now: Int64) -> [Change] {
        guard !finishedIDs.contains(id) else { return [] }
        var tracked = active[id] ?? TrackedPrompt(info: PromptInfo(id: id, kind: .queue, status: .pending))
        let wasRunning = tracked.info.status == .running
        if !wasRunning || (timestamp != nil && tracked.provisionalStart) { start(&tracked, at: timestamp, now: now) }
        active[id] = tracked
        return wasRunning ? [] : [Change(kind: .started, info: tracked.info)]
    }

    private func start(_ tracked: inout TrackedPrompt, at timestamp: Int64?, now: Int64) {
        tracked.info.status = .running
        tracked.info.queuePosition = nil
        if let timestamp {
            tracked.info.startTime = timestamp
            tracked.provisionalStart = false
        } else if tracked.info.startTime == nil {
            tracked.info.startTime = now
            tracked.provisionalStart = true
        }
    }

    /// Changes a tracked prompt in place; returns what `change` returned (false when unknown).
    @discardableResult
    private mutating func update(_ id: String, _ change: (inout TrackedPrompt) -> Bool) -> Bool {
        guard var tracked = active[id] else { return false }
        let result = change(&tracked)
        active[id] = tracked
        return result
    }

    /// Fills queue positions into pending infos of `changes`, as the view and the contract show them.
    private func withPositions(_ changes: [Change]) -> [Change] {
        let positions = Dictionary(uniqueKeysWithValues: activeItems.compactMap { info in info.queuePosition.map { (info.id, $0) } })
        return changes.map { change in
            var change = change
            if change.info.status == .pending { change.info.queuePosition = positions[change.info.id] }
            return change
        }
    }

    private mutating func noteNumbers(_ infos: [PromptInfo]) {
        for number in infos.compactMap(\.number) where number > highestNumber { highestNumber = number }
    }

    /// Forgets the queue numbers seen (after a restart, the counter starts again).
    public mutating func resetNumbers() { highestNumber = -1 }

    private mutating func remember(_ info: PromptInfo) {
        rememberID(info.id)
        if info.status == .completed, let key = info.workflowKey, let duration = info.durationMilliseconds { durations.record(duration, for: key) }
        finished.insert(info, at: finished.firstIndex { ($0.endTime ?? .min) <= (info.endTime ?? .min) } ?? finished.endIndex)
        if finished.count > Self.finishedMemory { finished.removeLast(finished.count - Self.finishedMemory) }
    }

    private mutating func rememberID(_ id: String) {
        guard finishedIDs.insert(id).inserted else { return }
        finishedOrder.append(id)
        if finishedOrder.count > Self.finishedIDMemory {
            let dropped = finishedOrder.prefix(finishedOrder.count - Self.finishedIDMemory)
            for old in dropped { finishedIDs.remove(old) }
            finishedOrder.removeFirst(dropped.count)
        }
    }
}
