/// Turns a snapshot into the bytes written to standard output.
public enum SnapshotFormatter {
    /// The output for `format`; every form ends with a newline.
    public static func format(_ snapshot: Snapshot, as format: OutputFormat, table: TableRenderer) -> [UInt8] {
        switch format {
        case .table:
            return Array(table.render(snapshot).utf8)
        case .json:
            return snapshot.jsonBytes + [0x0A]
        case .jsonl:
            return jsonLines(snapshot.items)
        }
    }

    /// One compact info per line.
    public static func jsonLines(_ items: [PromptInfo]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(items.count * 256)
        for item in items {
            append(item, to: &bytes)
            bytes.append(0x0A)
        }
        return bytes
    }

    /// Appends `item` as compact JSON.
    private static func append(_ item: PromptInfo, to bytes: inout [UInt8]) {
        var writer = JSONWriter()
        item.write(to: &writer)
        bytes += writer.bytes
    }

    /// Writes the assembler's infos as a `json` document or `jsonl` lines through `write`, in
    /// chunks of about 64 KiB, one info at a time; `selection`'s statuses and limit apply (its id
    /// does not: look the prompt up first). The output equals `format` of the selected snapshot.
    public static func stream(
        _ assembler: SnapshotAssembler, source: String, generatedAt: Int64, asDocument: Bool, selection: SnapshotSelection,
        write: ([UInt8]) throws -> Void
    ) throws {
        var chunk: [UInt8] = []
        chunk.reserveCapacity(Self.chunkSize + 4096)
        if asDocument {
            var opening = JSONWriter()
            Snapshot(source: source, generatedAt: generatedAt, queue: assembler.queueCounts, items: []).writeOpening(to: &opening)
            chunk += opening.bytes
        }
        var written = 0
        let limit = selection.limit ?? .max
        try assembler.forEachItem { item in
            guard written < limit, selection.keeps(item) else { return }
            if asDocument, written > 0 { chunk.append(UInt8(ascii: ",")) }
            append(item, to: &chunk)
            if !asDocument { chunk.append(0x0A) }
            written += 1
            if chunk.count >= Self.chunkSize {
                try write(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if asDocument { chunk += Array("]}\n".utf8) }
        if !chunk.isEmpty { try write(chunk) }
    }

    private static let chunkSize = 64 * 1024
}
