import KyQuery

/// Sends snapshots to the channels, numbering them, and with a state file sends only what changed.
///
/// With a state file, changes are recorded only once every channel accepted them, so a channel that
/// was down gets them again on the next run (at least once, never silently lost).
public struct Publisher: Sendable {
    /// What one publish did.
    public enum Outcome: Sendable, Equatable {
        /// Nothing changed since the last recorded run; no message was sent.
        case unchanged
        /// A message with `items` prompts went out; one report per channel.
        case sent(items: Int, reports: [DeliveryReport])

        /// True unless some channel failed.
        public var allDelivered: Bool {
            if case .sent(_, let reports) = self { return reports.allSatisfy(\.isDelivered) }
            return true
        }
    }

    private let delivery: any MessageDelivery
    private var builder: MessageBuilder
    private let statePath: String?
    private let onlyChanges: Bool
    private var state: PublishState?

    /// With `statePath`, `seq` continues across runs; with `onlyChanges` too, only new and changed
    /// prompts are sent (`--on-change --state FILE`).
    public init(delivery: any MessageDelivery, server: String, statePath: String?, onlyChanges: Bool = false) throws {
        self.delivery = delivery
        self.statePath = statePath
        self.onlyChanges = onlyChanges && statePath != nil
        if let statePath {
            let state = try PublishState.load(path: statePath, server: server)
            guard state.server == server else {
                throw PublishStateError("the state file '\(statePath)' belongs to \(state.server), not \(server); give each server its own state file")
            }
            try PublishState.checkWritable(path: statePath)
            self.state = state
            self.builder = MessageBuilder(server: server, lastSequence: state.seq)
        } else {
            self.builder = MessageBuilder(server: server)
        }
    }

    /// Publishes `snapshot`, or only its changes with `onlyChanges`.
    public mutating func publish(_ snapshot: Snapshot) async throws -> Outcome {
        var outgoing = snapshot
        if onlyChanges, let state {
            outgoing.items = state.changes(in: snapshot)
            if outgoing.items.isEmpty {
                try record(snapshot, statuses: true)
                return .unchanged
            }
        }
        let message = builder.message(for: outgoing)
        let reports = await delivery.deliver(message)
        // The sequence number is used up either way; statuses only count once every channel has them.
        try record(snapshot, statuses: reports.allSatisfy(\.isDelivered))
        return .sent(items: outgoing.items.count, reports: reports)
    }

    private mutating func record(_ snapshot: Snapshot, statuses: Bool) throws {
        guard var state, let statePath else { return }
        state.seq = builder.sequence
        if statuses { state.record(snapshot, sequence: builder.sequence) }
        try state.save(path: statePath)
        self.state = state
    }
}
