/// Narrows a snapshot to what the user asked for: one id, some statuses, the first N items.
public struct SnapshotSelection: Sendable, Equatable {
    /// A prompt id, or a unique prefix of at least 4 characters.
    public var id: String?
    /// Keep only these statuses (empty keeps all).
    public var statuses: Set<PromptStatus>
    /// Keep at most this many items.
    public var limit: Int?

    public init(id: String? = nil, statuses: Set<PromptStatus> = [], limit: Int? = nil) {
        self.id = id
        self.statuses = statuses
        self.limit = limit
    }

    /// The snapshot with only the selected items; queue counts stay those of the whole queue.
    public func apply(to snapshot: Snapshot) -> Snapshot {
        var selected = snapshot
        if let id {
            selected.items = Self.match(id: id, in: snapshot.items).map { [$0] } ?? []
        }
        if !statuses.isEmpty { selected.items = selected.items.filter { statuses.contains($0.status) } }
        if let limit { selected.items = Array(selected.items.prefix(limit)) }
        return selected
    }

    /// The item with exactly this id, else the only one whose id starts with it (4+ characters).
    public static func match(id: String, in items: [PromptInfo]) -> PromptInfo? {
        if let exact = items.first(where: { $0.id == id }) { return exact }
        guard id.count >= 4 else { return nil }
        let candidates = items.filter { $0.id.hasPrefix(id) }
        return candidates.count == 1 ? candidates[0] : nil
    }
}
