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
        var writer = JSONWriter(reservingCapacity: items.count * 256)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(items.count * 256)
        for item in items {
            writer = JSONWriter()
            item.write(to: &writer)
            bytes += writer.bytes
            bytes.append(0x0A)
        }
        return bytes
    }
}
