import KyQuery
import Logging
import NIOConcurrencyHelpers

/// Log lines on standard error, `<time> <level> kymon: [<source>] message key=value`.
///
/// While the live view owns the terminal, lines are held back (the newest `heldLimit`) and written
/// when it gives the terminal back, so they never scribble over the view.
struct StandardErrorLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    let label: String

    static let heldLimit = 500
    private static let held = NIOLockedValueBox<(holding: Bool, lines: [String], dropped: Int)>((false, [], 0))

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let pairs = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Timestamp.iso8601(milliseconds: Timestamp.now())
        let line = "\(time) \(event.level) \(label): [\(event.source)] \(event.message)\(pairs.isEmpty ? "" : " " + pairs)\n"
        let written = Self.held.withLockedValue { state -> Bool in
            guard state.holding else { return false }
            state.lines.append(line)
            if state.lines.count > Self.heldLimit {
                state.lines.removeFirst()
                state.dropped += 1
            }
            return true
        }
        if !written { StandardError.write(line) }
    }

    /// Holds lines back until `release()`.
    static func hold() {
        held.withLockedValue { $0.holding = true }
    }

    /// Writes the held lines (noting any that did not fit) and stops holding.
    static func release() {
        let (lines, dropped) = held.withLockedValue { state in
            defer { state = (false, [], 0) }
            return (state.lines, state.dropped)
        }
        if dropped > 0 { StandardError.write("kymon: \(dropped) earlier log lines were dropped while the view was shown\n") }
        for line in lines { StandardError.write(line) }
    }
}
