import KyQuery

/// Wraps documents into channel messages, numbering them per server so consumers can spot gaps.
public struct MessageBuilder: Sendable {
    /// The server the messages describe (URL without credentials, or the input paths).
    public let server: String
    /// The last sequence number used.
    public private(set) var sequence: Int64

    public init(server: String, lastSequence: Int64 = 0) {
        self.server = server
        self.sequence = lastSequence
    }

    /// A `kymon.snapshot/1` document with `server` and `seq`, tagged `snapshot`, keyed by its prompt ids.
    public mutating func message(for snapshot: Snapshot) -> ChannelMessage {
        sequence += 1
        let seq = sequence
        let server = self.server
        var writer = JSONWriter(reservingCapacity: 512 + snapshot.items.count * 256)
        snapshot.write(to: &writer) { writer in
            writer.key("server")
            writer.string(server)
            writer.key("seq")
            writer.integer(seq)
        }
        return ChannelMessage(body: writer.bytes, tag: "snapshot", keys: snapshot.items.map(\.id))
    }
}
