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
    /// Finished infos moved to a temporary file; nil while everything is in memory.
    private var spilled: SpilledInfos?
    /// Spill once this many infos are in memory; nil never spills.
    private let spillThreshold: Int?
    /// In-memory count that triggers the next spill (grows when unfinished infos pile up).
    private var nextSpillAt = Int.max
    /// Graphs of running prompts, for progress.
    public private(set) var graphs: [String: WorkflowGraph] = [:]
    /// True once a queue document or jobs list was read, so queue counts are meaningful.
    public private(set) var hasQueueView = false
    /// Things worth telling the user that did not stop decoding.
    public private(set) var warnings: [String] = []

    /// An assembler that keeps every info in memory.
    public init() { spillThreshold = nil }

    /// An assembler that moves finished infos to an unlinked temporary file (in `$TMPDIR`, else
    /// `/tmp`) whenever more than `threshold` infos are in memory, so its memory does not grow with
    /// a history's size. If no temporary file can be made, everything stays in memory, with a warning.
    public init(spillingAfter threshold: Int) {
        spillThreshold = max(0, threshold)
        nextSpillAt = max(1, threshold)
    }

    /// Number of distinct prompts so far.
    public var count: Int { entries.count + (spilled?.count ?? 0) }

    /// Adds or replaces the info for its id.
    public mutating func add(_ info: PromptInfo, detail: Detail) {
        let new = Self.rank(isHistory: info.kind == .history, detail)
        if let existing = entries[info.id] {
            guard new >= Self.rank(isHistory: existing.info.kind == .history, existing.detail) else { return }
        } else if let location = spilled?.location(of: info.id) {
            guard new >= Self.rank(isHistory: location.isHistory, location.detail) else { return }
            spilled?.remove(info.id)
        }
        entries[info.id] = (info, detail)
        if entries.count >= nextSpillAt { spillFinished() }
    }

    /// How final and detailed a record is: history beats queue, then the detail decides.
    private static func rank(isHistory: Bool, _ detail: Detail) -> (Int, Detail) { (isHistory ? 1 : 0, detail) }

    /// Moves the finished infos in memory to the temporary file.
    private mutating func spillFinished() {
        guard let spillThreshold else { return }
        var moved: [String] = []
        do {
            if spilled == nil { spilled = try SpilledInfos() }
            for (id, entry) in entries where entry.info.status.isTerminal {
                try spilled?.store(entry.info, detail: entry.detail)
                moved.append(id)
            }
            for id in moved { entries[id] = nil }
            nextSpillAt = max(spillThreshold, 1, entries.count * 2)
        } catch {
            for id in moved { spilled?.remove(id) }
            warnings.append("\(error); keeping every prompt in memory")
            nextSpillAt = .max
        }
    }

    /// Keeps a running prompt's graph.
    public mutating func recordGraph(_ graph: WorkflowGraph, for id: String) { graphs[id] = graph }

    /// Changes the info of `id` in place, if it is known.
    public mutating func update(_ id: String, _ change: (inout PromptInfo) -> Void) {
        if entries[id] == nil, let location = spilled?.location(of: id), let info = try? spilled?.info(at: location) {
            spilled?.remove(id)
            entries[id] = (info, location.detail)
        }
        guard var entry = entries[id] else { return }
        change(&entry.info)
        entries[id] = entry
    }

    /// Records that queue membership is known.
    public mutating func markQueueView() { hasQueueView = true }

    /// Records a warning.
    public mutating func warn(_ message: String) { warnings.append(message) }

    /// Running and pending counts, when a queue document or jobs list was read.
    public var queueCounts: QueueCounts? {
        guard hasQueueView else { return nil }
        var counts = QueueCounts(running: 0, pending: 0)
        for (info, _) in entries.values {
            if info.status == .running { counts.running += 1 } else if info.status == .pending { counts.pending += 1 }
        }
        return counts
    }

    /// The assembled document: running by number, pending by (number, id) with positions, then
    /// history newest first (end time, then number, then id).
    public func snapshot(source: String, generatedAt: Int64) throws -> Snapshot {
        var items: [PromptInfo] = []
        items.reserveCapacity(count)
        try forEachItem { items.append($0) }
        return Snapshot(source: source, generatedAt: generatedAt, queue: queueCounts, items: items)
    }

    /// Calls `body` with every info in the order of `snapshot`, reading spilled infos back one at a
    /// time, so a caller that writes them out as it goes needs memory for one info.
    public func forEachItem(_ body: (PromptInfo) throws -> Void) throws {
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
        for info in running { try body(info) }
        for info in pending { try body(info) }

        let locations = spilled.map { Array($0.allLocations) } ?? []
        // Finished infos, in memory (index < 0) or spilled, ordered by what each knows without
        // reading it back; ids of spilled infos are read only on a tie.
        var order: [FinishedOrder] = []
        order.reserveCapacity(finished.count + locations.count)
        for (index, info) in finished.enumerated() {
            order.append(FinishedOrder(endTime: info.endTime ?? .min, number: info.number ?? -.infinity, index: -1 - index))
        }
        for (index, location) in locations.enumerated() {
            order.append(FinishedOrder(endTime: location.endTimeOrMin, number: location.number ?? -.infinity, index: index))
        }
        var idFailure: (any Error)?
        func id(_ item: FinishedOrder) -> String {
            guard item.index >= 0 else { return finished[-1 - item.index].id }
            do { return try spilled?.id(at: locations[item.index]) ?? "" } catch {
                idFailure = error
                return ""
            }
        }
        // Newest first: end time, then number, then id.
        order.sort { lhs, rhs in
            if lhs.endTime != rhs.endTime { return lhs.endTime > rhs.endTime }
            return lhs.number != rhs.number ? lhs.number > rhs.number : id(lhs) > id(rhs)
        }
        if let idFailure { throw idFailure }
        for item in order {
            if item.index < 0 {
                try body(finished[-1 - item.index])
            } else if let spilled {
                try body(try spilled.info(at: locations[item.index]))
            }
        }
    }

    /// A finished info's place in the order: `index` < 0 is in memory (`-1 - index`), else spilled.
    private struct FinishedOrder {
        var endTime: Int64
        var number: Double
        var index: Int
    }
}
