/// Finished infos kept in a temporary file, with a small in-memory index for merging and ordering.
///
/// A spilled info costs about 100 bytes of memory (its key, where it is, and what ordering needs)
/// instead of the 1–2 KB of the info itself.
struct SpilledInfos: Sendable {
    /// Where one info is, and what merging and ordering need without reading it back; 32 bytes.
    struct Location: Sendable {
        var offset: Int64
        /// `Int64.min` when the info has none.
        var endTimeOrMin: Int64
        /// NaN when the info has none.
        var numberOrNaN: Double
        var length: UInt32
        var detail: SnapshotAssembler.Detail
        var isHistory: Bool

        var number: Double? { numberOrNaN.isNaN ? nil : numberOrNaN }
    }

    private let file: SpillFile
    private var locations: [PromptKey: Location] = [:]

    init() throws(InputError) { file = try SpillFile() }

    var count: Int { locations.count }

    /// Writes `info` to the file and indexes it; replaces an earlier info with its id.
    mutating func store(_ info: PromptInfo, detail: SnapshotAssembler.Detail) throws {
        let record = info.record
        let offset = try file.append(record)
        locations[PromptKey(info.id)] = Location(
            offset: offset, endTimeOrMin: info.endTime ?? .min, numberOrNaN: info.number ?? .nan, length: UInt32(record.count),
            detail: detail, isHistory: info.kind == .history)
    }

    func location(of id: String) -> Location? { locations[PromptKey(id)] }

    /// Forgets `id`; its record stays in the file, unreferenced.
    mutating func remove(_ id: String) { locations[PromptKey(id)] = nil }

    /// Every indexed location.
    var allLocations: Dictionary<PromptKey, Location>.Values { locations.values }

    /// The info stored at `location`.
    func info(at location: Location) throws -> PromptInfo {
        try file.withRecord(at: location.offset, length: Int(location.length)) { record in
            guard let info = PromptInfo(record: record) else { throw damaged }
            return info
        }
    }

    /// Just the id of the info stored at `location`.
    func id(at location: Location) throws -> String {
        try file.withRecord(at: location.offset, length: Int(location.length)) { record in
            guard let id = PromptInfo.id(ofRecord: record) else { throw damaged }
            return id
        }
    }

    private var damaged: InputError { .readFailed(path: "temporary file", reason: "a spilled record does not read back") }
}

/// A prompt id as a dictionary key: 16 bytes for the lowercase UUIDs ComfyUI makes, the text otherwise.
enum PromptKey: Hashable, Sendable {
    case uuid(UInt64, UInt64)
    case text(String)

    init(_ id: String) {
        self = Self.parseUUID(id).map { .uuid($0.0, $0.1) } ?? .text(id)
    }

    /// The two halves of a canonical lowercase UUID (8-4-4-4-12 hex digits); nil for anything else,
    /// so two different strings never share a key.
    private static func parseUUID(_ id: String) -> (UInt64, UInt64)? {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        var index = 0
        for byte in id.utf8 {
            guard index < 36 else { return nil }
            defer { index += 1 }
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            if digits < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            digits += 1
        }
        return index == 36 && digits == 32 ? (high, low) : nil
    }
}
