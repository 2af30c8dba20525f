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
            if case .found(let item) = Self.match(id: id, in: snapshot.items) { selected.items = [item] } else { selected.items = [] }
        }
        if !statuses.isEmpty { selected.items = selected.items.filter(keeps) }
        if let limit { selected.items = Array(selected.items.prefix(limit)) }
        return selected
    }

    /// True when the statuses let `item` through (no statuses keep everything).
    public func keeps(_ item: PromptInfo) -> Bool { statuses.isEmpty || statuses.contains(item.status) }

    /// What an id or prefix refers to.
    public enum Match: Sendable, Equatable {
        case found(PromptInfo)
        /// The prefix fits several prompts; their ids.
        case ambiguous([String])
        case none
    }

    /// The item with exactly this id, else the only one whose id starts with it (4+ characters).
    public static func match(id: String, in items: [PromptInfo]) -> Match {
        var matcher = Matcher(id: id)
        for item in items { matcher.consider(item) }
        return matcher.match
    }

    /// `match(id:in:)` over an assembler's infos, read one at a time.
    public static func match(id: String, in assembler: SnapshotAssembler) throws -> Match {
        var matcher = Matcher(id: id)
        try assembler.forEachItem { matcher.consider($0) }
        return matcher.match
    }

    /// Gathers what an id or prefix refers to from infos seen one at a time.
    private struct Matcher {
        let id: String
        /// Prefixes of fewer than 4 characters match nothing.
        let matchesPrefixes: Bool
        var exact: PromptInfo?
        var candidates: [PromptInfo] = []

        init(id: String) {
            self.id = id
            matchesPrefixes = id.count >= 4
        }

        mutating func consider(_ info: PromptInfo) {
            if info.id == id {
                exact = exact ?? info
            } else if matchesPrefixes, info.id.hasPrefix(id) {
                candidates.append(info)
            }
        }

        var match: Match {
            if let exact { return .found(exact) }
            switch candidates.count {
            case 0: return .none
            case 1: return .found(candidates[0])
            default: return .ambiguous(candidates.map(\.id))
            }
        }
    }
}
