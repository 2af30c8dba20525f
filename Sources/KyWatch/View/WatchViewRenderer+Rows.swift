import KyQuery

/// The rows of a server panel.
extension WatchViewRenderer {
    private static let statusWidth = 11
    private static let idWidth = 8
    private static let durationWidth = 7
    private static let nodeWidth = 32
    private static let reasonWidth = 40
    private static let minimumReasonWidth = 12
    private static let minimumURLWidth = 16
    private static let minimumBarWidth = 8

    /// `URL v0.8.2  state: reason  bridge yes  1 running · 2 pending`. When it is too wide the URL gives way
    /// first (its scheme, then its end), then the reason.
    func header(_ panel: ServerPanel) -> StyledLine {
        let version = panel.version.map { $0.hasPrefix("v") ? " " + $0 : " v" + $0 } ?? ""
        let (state, color): (String, String?)
        var reason = ""
        switch panel.connection {
        case .connecting: (state, color) = ("connecting", nil)
        case .connected: (state, color) = ("connected", "32")
        case .polling(let why): (state, color, reason) = ("polling", "33", ": " + StyledLine.truncate(why, to: Self.reasonWidth))
        case .down(let why): (state, color, reason) = ("down", "31;1", ": " + StyledLine.truncate(why, to: Self.reasonWidth))
        }
        var tail = panel.bridge.map { "  bridge " + ($0 ? "yes" : "no") } ?? ""
        if let queue = panel.queue { tail += "  \(queue.running) running · \(queue.pending) pending" }

        var url = panel.url
        let fixed = version.count + 2 + state.count + tail.count
        func excess() -> Int { url.count + reason.count + fixed - width }
        if excess() > 0, let scheme = url.firstRange(of: "://") { url = String(url[scheme.upperBound...]) }
        if excess() > 0 { url = StyledLine.truncate(url, to: max(url.count - excess(), Self.minimumURLWidth)) }
        if excess() > 0 { reason = StyledLine.truncate(reason, to: max(reason.count - excess(), Self.minimumReasonWidth)) }

        var line = StyledLine(url + version + "  ")
        line.append(state + reason, color: color)
        line.append(tail)
        return line
    }

    /// Id, node, node progress, elapsed time and ETA; below, when the progress is known, a bar as wide as the
    /// screen allows and the percentage.
    func runningRows(_ prompt: PromptInfo, now: Int64) -> [StyledLine] {
        var line = statusCells(prompt)
        if let node = prompt.currentNode {
            line.append("  " + StyledLine.truncate("\(node.type ?? "node") #\(node.id)", to: Self.nodeWidth))
        }
        if let step = prompt.nodeProgress, let value = Self.whole(step.value), let total = Self.whole(step.max) {
            line.append("  \(value)/\(total)")
        }
        if let start = prompt.startTime { line.append("  " + Timestamp.duration(milliseconds: now - start)) }
        if let eta = eta(prompt, now: now) { line.append("  " + eta) }
        guard let progress = prompt.progress, progress.isFinite else { return [line] }

        let fraction = min(max(progress, 0), 1)
        let indent = String(repeating: " ", count: Self.statusWidth + 3)
        let percent = Self.padLeft("\(Int((fraction * 100).rounded(.down)))%", to: 6)
        var bar = StyledLine(indent)
        let barWidth = width - indent.count - percent.count - 2
        if barWidth >= Self.minimumBarWidth {
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            bar.append("[")
            bar.append(String(repeating: "█", count: filled), color: "32")
            bar.append(String(repeating: "░", count: barWidth - filled) + "]")
        }
        bar.append(percent)
        return [line, bar]
    }

    /// Id, queue position, time waited and ETA.
    func pendingRow(_ prompt: PromptInfo, position: Int, now: Int64) -> StyledLine {
        var line = statusCells(prompt)
        line.append("  " + StyledLine.pad("#\(position)", to: 3))
        if let created = prompt.createTime { line.append("  waiting " + Timestamp.duration(milliseconds: now - created)) }
        if let eta = eta(prompt, now: now) { line.append("  " + eta) }
        return line
    }

    /// Id, duration, end time and, for failures, the first line of the error.
    func finishedRow(_ prompt: PromptInfo) -> StyledLine {
        var line = statusCells(prompt)
        line.append("  " + Self.padLeft(prompt.durationMilliseconds.map(Timestamp.duration) ?? "", to: Self.durationWidth))
        if let end = prompt.endTime { line.append("  " + formatTime(end)) }
        if let error = prompt.error {
            let message = error.message?.split(separator: "\n").first.map(String.init)
            let text = [error.type, message].compactMap { $0 }.joined(separator: ": ")
            if !text.isEmpty { line.append("  " + text) }
        }
        return line
    }

    /// Prompts that vanished from the server.
    func lostRow(_ ids: [String]) -> StyledLine {
        let count = ids.count == 1 ? "1 prompt" : "\(ids.count) prompts"
        let shortIDs = ids.map { String($0.prefix(Self.idWidth)) }.joined(separator: " ")
        return StyledLine("  " + StyledLine.pad("lost", to: Self.statusWidth) + " \(count) gone from the server: " + shortIDs)
    }

    /// The coloured status word and the short id.
    private func statusCells(_ prompt: PromptInfo) -> StyledLine {
        var line = StyledLine("  ")
        line.append(prompt.status.rawValue, color: prompt.status.ansiColor)
        let gap = String(repeating: " ", count: max(1, Self.statusWidth + 1 - prompt.status.rawValue.count))
        line.append(gap + StyledLine.pad(String(prompt.id.prefix(Self.idWidth)), to: Self.idWidth))
        return line
    }

    /// `eta 1m20s` until the expected end, `overdue` past it, nil without an estimate.
    private func eta(_ prompt: PromptInfo, now: Int64) -> String? {
        guard let end = prompt.expectedEndTime else { return nil }
        return end >= now ? "eta " + Timestamp.duration(milliseconds: end - now) : "overdue"
    }


    /// A step count as a whole number, nil when it is not a finite number.
    private static func whole(_ value: Double) -> Int? {
        value.isFinite ? Int(exactly: value.rounded(.down)) : nil
    }

    private static func padLeft(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
