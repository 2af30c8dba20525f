/// Consecutive rows of a panel that are cut together when the view is taller than the screen.
struct ViewSection {
    /// What the rows are; lower ranks are cut first, headers never.
    enum Rank: Int, Comparable {
        case finished, pending, lost, note, separator, running, header

        static func < (lhs: Rank, rhs: Rank) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    let rank: Rank
    let rows: [StyledLine]
    /// When set, a cut section ends in a line counting the hidden rows: `… and N more`, or `… N pending` alone.
    let hiddenLabel: String?
    /// At most this many lines are drawn.
    private var limit: Int

    init(_ rank: Rank, _ rows: [StyledLine], hiddenLabel: String? = nil) {
        self.rank = rank
        self.rows = rows
        self.hiddenLabel = hiddenLabel
        self.limit = rows.count
    }

    var lineCount: Int { min(limit, rows.count) }

    var lines: [StyledLine] {
        guard let hiddenLabel, limit > 0, limit < rows.count else { return Array(rows.prefix(limit)) }
        let hidden = rows.count - limit + 1
        return rows.prefix(limit - 1) + [StyledLine(limit == 1 ? "  … \(hidden) \(hiddenLabel)" : "  … and \(hidden) more")]
    }

    /// Draws one line less.
    mutating func shrink() {
        limit = max(lineCount - 1, 0)
    }

    /// Cuts sections until their lines fit `height`: the lowest rank first, among equals the longest, then the last.
    static func fit(_ sections: inout [ViewSection], height: Int) {
        var total = sections.reduce(0) { $0 + $1.lineCount }
        while total > height {
            let cuttable = sections.indices.filter { sections[$0].rank != .header && sections[$0].lineCount > 0 }
            let first = cuttable.min { left, right in
                let (a, b) = (sections[left], sections[right])
                if a.rank != b.rank { return a.rank < b.rank }
                if a.lineCount != b.lineCount { return a.lineCount > b.lineCount }
                return left > right
            }
            guard let victim = first else { return }
            sections[victim].shrink()
            total -= 1
        }
    }
}
