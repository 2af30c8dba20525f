import KyQuery

/// Lays out a `WatchView` as terminal lines: a header per server, then its running, pending and finished prompts.
public struct WatchViewRenderer: Sendable {
    /// No line is wider than this many characters.
    public var width: Int
    /// At most this many lines; pending and finished prompts are cut first, headers never.
    public var height: Int?
    /// ANSI colours (only on a terminal, and never with NO_COLOR).
    public var useColor: Bool
    /// How many finished prompts each server shows.
    public var finishedLimit: Int
    /// Formats a finished prompt's end time (local time by default).
    public var formatTime: @Sendable (Int64) -> String

    public init(
        width: Int, height: Int? = nil, useColor: Bool = false, finishedLimit: Int = 5,
        formatTime: @escaping @Sendable (Int64) -> String = Timestamp.localShort
    ) {
        self.width = max(width, 0)
        self.height = height.map { max($0, 0) }
        self.useColor = useColor
        self.finishedLimit = max(finishedLimit, 0)
        self.formatTime = formatTime
    }

    static let bridgeNote = "node-level progress needs the kymon bridge (Bridge/kymon_bridge)"

    /// The frame, servers separated by a blank line.
    public func lines(for view: WatchView) -> [String] {
        var sections: [ViewSection] = []
        for (index, panel) in view.servers.enumerated() {
            if index > 0 { sections.append(ViewSection(.separator, [StyledLine()])) }
            sections += self.sections(for: panel, now: view.now)
        }
        if let height { ViewSection.fit(&sections, height: height) }
        let lines = sections.flatMap(\.lines).map { $0.rendered(width: width, useColor: useColor) }
        return height.map { Array(lines.prefix($0)) } ?? lines
    }

    private func sections(for panel: ServerPanel, now: Int64) -> [ViewSection] {
        var sections = [ViewSection(.header, [header(panel)])]
        if panel.connection == .connected, panel.bridge == false {
            sections.append(ViewSection(.note, [StyledLine("  " + Self.bridgeNote)]))
        }
        let finished = panel.finished.prefix(finishedLimit)
        if panel.running.isEmpty, panel.pending.isEmpty, panel.lost.isEmpty, finished.isEmpty {
            if showsIdle(panel.connection) { sections.append(ViewSection(.note, [StyledLine("  (no prompts)")])) }
            return sections
        }
        sections.append(ViewSection(.running, panel.running.flatMap { runningRows($0, now: now) }))
        let pending = panel.pending.enumerated().map { pendingRow($1, position: $1.queuePosition ?? $0 + 1, now: now) }
        sections.append(ViewSection(.pending, pending, hiddenLabel: "pending"))
        if !panel.lost.isEmpty { sections.append(ViewSection(.lost, [lostRow(panel.lost)])) }
        sections.append(ViewSection(.finished, finished.map(finishedRow)))
        return sections.filter { !$0.rows.isEmpty }
    }

    /// Whether an empty panel says so: only when kymon can see the server.
    private func showsIdle(_ connection: ServerPanel.Connection) -> Bool {
        switch connection {
        case .connected, .polling: return true
        case .connecting, .down: return false
        }
    }
}
