/// Anything that can fill a snapshot: saved dumps or a live server.
public protocol SnapshotSource: Sendable {
    /// What the snapshot's `source` field says: the server URL or the input paths.
    var sourceDescription: String { get }

    /// Reads every document into `assembler`. Infos decoded before a failure stay in it.
    func read(into assembler: inout SnapshotAssembler, options: DecodeOptions) async throws

    /// Looks for one prompt beyond what `read` covered (a live server's older history); may add nothing.
    func lookUp(id: String, into assembler: inout SnapshotAssembler, options: DecodeOptions) async throws
}

extension SnapshotSource {
    public func lookUp(id: String, into assembler: inout SnapshotAssembler, options: DecodeOptions) async throws {}
}

extension SnapshotSource {
    /// Reads everything and assembles the snapshot, stamped with the current time.
    public func snapshot(options: DecodeOptions) async throws -> Snapshot {
        var assembler = SnapshotAssembler()
        try await read(into: &assembler, options: options)
        return try assembler.snapshot(source: sourceDescription, generatedAt: Timestamp.now())
    }
}
