/// Renders a snapshot as a fixed-width table for people; JSON is for programs.
public struct TableRenderer: Sendable {
    /// Total width in columns; the detail column takes what is left.
    public var width: Int
    /// ANSI colours for status words (only on a terminal, and never with NO_COLOR).
    public var useColor: Bool
    /// Formats a timestamp for the WHEN column (local time by default).
    public var formatTime: @Sendable (Int64) -> String

    public init(width: Int = 80, useColor: Bool = false, formatTime: @escaping @Sendable (Int64) -> String = Timestamp.localShort) {
        self.width = max(width, 60)
        self.useColor = useColor
        self.formatTime = formatTime
    }

    private static let statusWidth = 11
    private static let idWidth = 8
    private static let numberWidth = 5
    private static let timeWidth = 14
    private static let durationWidth = 7

    /// The whole table, one line per item (plus the first line of any error), ending in a newline.
    public func render(_ snapshot: Snapshot) -> String {
        var lines = [header(snapshot)]
        lines.append(row("STATUS", "ID", "NUM", "WHEN", "TIME", "DETAIL", color: nil))
        if snapshot.items.isEmpty { lines.append("(no prompts)") }
        for item in snapshot.items {
            lines.append(
                row(
                    item.status.rawValue, String(item.id.prefix(Self.idWidth)), item.number.map(JSONWriter.render(number:)) ?? "",
                    when(item).map(formatTime) ?? "", item.durationMilliseconds.map(Timestamp.duration) ?? "", detail(item),
                    color: useColor ? item.status.ansiColor : nil
                )
            )
            if let message = item.error?.message?.split(separator: "\n", omittingEmptySubsequences: true).first {
                lines.append(Self.truncate("    └ " + message, to: width))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func header(_ snapshot: Snapshot) -> String {
        var parts: [String] = []
        if let queue = snapshot.queue { parts.append("\(queue.running) running · \(queue.pending) pending") }
        parts.append("\(snapshot.items.count) shown")
        parts.append(snapshot.source)
        return Self.truncate(parts.joined(separator: " · "), to: width)
    }

    private func when(_ item: PromptInfo) -> Int64? {
        switch item.status {
        case .pending: return item.createTime
        case .running: return item.startTime ?? item.createTime
        default: return item.endTime ?? item.startTime ?? item.createTime
        }
    }

    private func detail(_ item: PromptInfo) -> String {
        let node = item.currentNode.map { "\($0.type ?? "node") #\($0.id)" }
        switch item.status {
        case .pending:
            return item.queuePosition.map { "position \($0) in queue" } ?? "waiting"
        case .running:
            let progress = item.progress.map { " \(Int(($0 * 100).rounded(.down)))%" } ?? ""
            return (node.map { "at \($0)" } ?? "running") + progress
        case .completed:
            guard let first = item.outputs.first else { return "done" }
            return item.outputs.count > 1 ? "\(first) (+\(item.outputs.count - 1))" : first
        case .failed:
            let type = item.error?.type ?? "error"
            return node.map { "\(type) at \($0)" } ?? type
        case .interrupted:
            return node.map { "stopped at \($0)" } ?? "stopped"
        }
    }

    private func row(_ status: String, _ id: String, _ number: String, _ when: String, _ duration: String, _ detail: String, color: String?) -> String {
        let fixed = Self.statusWidth + Self.idWidth + Self.numberWidth + Self.timeWidth + Self.durationWidth + 5
        var statusCell = Self.pad(status, Self.statusWidth)
        if let color { statusCell = "\u{1B}[\(color)m\(statusCell)\u{1B}[0m" }
        let cells = [
            statusCell, Self.pad(id, Self.idWidth), Self.padLeft(number, Self.numberWidth), Self.pad(when, Self.timeWidth),
            Self.padLeft(duration, Self.durationWidth),
        ]
        let line = cells.joined(separator: " ") + " " + Self.truncate(detail, to: width - fixed - 1)
        return line.trimmingTrailingSpaces()
    }


    private static func pad(_ text: String, _ width: Int) -> String {
        let cut = truncate(text, to: width)
        return cut + String(repeating: " ", count: max(0, width - cut.count))
    }

    private static func padLeft(_ text: String, _ width: Int) -> String {
        let cut = truncate(text, to: width)
        return String(repeating: " ", count: max(0, width - cut.count)) + cut
    }

    static func truncate(_ text: String, to width: Int) -> String {
        let flat = text.replacingControlCharacters()
        guard flat.count > width else { return flat }
        return width <= 1 ? String(flat.prefix(width)) : String(flat.prefix(width - 1)) + "…"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.hasSuffix(" ") { copy.removeLast() }
        return copy
    }

    /// Control characters (which could move the cursor or recolour a terminal) become spaces.
    fileprivate func replacingControlCharacters() -> String {
        String(unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    }
}
