/// Merges infos from any number of documents into one snapshot in contract order.
///
/// An id seen twice keeps the more final and more detailed record: history beats queue, and a
/// history entry or job detail beats a job list item. At equal rank the later document wins.
public struct SnapshotAssembler: Sendable {
    /// How much a source knows about a prompt.
    public enum Detail: Int, Sendable, Comparable {
        case queueItem = 0, jobSummary = 1, fullRecord = 2

        public static func < (lhs: Detail, rhs: Detail) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private var entries: [String: (info: PromptInfo, detail: Detail)] = [:]
    /// Graphs of running prompts, for progress.
    public private(set) var graphs: [String: WorkflowGraph] = [:]
    /// True once a queue document or jobs list was read, so queue counts are meaningful.
    public private(set) var hasQueueView = false
    /// Things worth telling the user that did not stop decoding.
    public private(set) var warnings: [String] = []

    public init() {}

    /// Number of distinct prompts so far.
    public var count: Int { entries.count }

    /// Adds or replaces the info for its id.
    public mutating func add(_ info: PromptInfo, detail: Detail) {
        if let existing = entries[info.id] {
            let old = (existing.info.kind == .history ? 1 : 0, existing.detail)
            let new = (info.kind == .history ? 1 : 0, detail)
            guard new >= old else { return }
        }
        entries[info.id] = (info, detail)
    }

    /// Keeps a running prompt's graph.
    public mutating func recordGraph(_ graph: WorkflowGraph, for id: String) { graphs[id] = graph }

    /// Changes the info of `id` in place, if it is known.
    public mutating func update(_ id: String, _ change: (inout PromptInfo) -> Void) {
        guard var entry = entries[id] else { return }
        change(&entry.info)
        entries[id] = entry
    }

    /// Records that queue membership is known.
    public mutating func markQueueView() { hasQueueView = true }

    /// Records a warning.
    public mutating func warn(_ message: String) { warnings.append(message) }

    /// The assembled document: running by number, pending by (number, id) with positions, then
    /// history newest first (end time, then number).
    public func snapshot(source: String, generatedAt: Int64) -> Snapshot {
        var running: [PromptInfo] = []
        var pending: [PromptInfo] = []
        var finished: [PromptInfo] = []
        for (info, _) in entries.values {
            switch info.status {
            case .running: running.append(info)
            case .pending: pending.append(info)
            default: finished.append(info)
            }
        }
        let byNumber: (PromptInfo, PromptInfo) -> Bool = { lhs, rhs in
            let left = lhs.number ?? .infinity
            let right = rhs.number ?? .infinity
            return left != right ? left < right : lhs.id < rhs.id
        }
        running.sort(by: byNumber)
        pending.sort(by: byNumber)
        for index in pending.indices { pending[index].queuePosition = index + 1 }
        finished.sort { lhs, rhs in
            let left = lhs.endTime ?? .min
            let right = rhs.endTime ?? .min
            if left != right { return left > right }
            let leftNumber = lhs.number ?? -.infinity
            let rightNumber = rhs.number ?? -.infinity
            return leftNumber != rightNumber ? leftNumber > rightNumber : lhs.id > rhs.id
        }
        let counts = hasQueueView ? QueueCounts(running: running.count, pending: pending.count) : nil
        return Snapshot(source: source, generatedAt: generatedAt, queue: counts, items: running + pending + finished)
    }
}
