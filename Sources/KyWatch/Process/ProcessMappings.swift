/// The memory mappings of a process, as `/proc/<pid>/smaps` lists them.
public struct ProcessMappings: Sendable {
    /// One mapping and what of it is resident.
    public struct Mapping: Equatable, Sendable {
        public var start: UInt
        public var end: UInt
        /// `r-xp`, `rw-p`, `r--s`, ...
        public var permissions: String
        /// The mapped file, or a name such as `[heap]`; empty for anonymous memory.
        public var path: String
        public var residentKiB: Int
        /// Pages of the mapping that are private copies (written, or never backed by a file).
        public var anonymousKiB: Int
        /// Locked in memory, or device memory (`VmFlags` `lo`, `io`, `pf`): never dropped.
        public var pinned: Bool

        /// A clean, read-only view of a file: private, not writable, not pinned, no private copies.
        /// Dropping its pages loses nothing; they come back from the file (or the page cache).
        public var isCleanFileView: Bool {
            let flags = Array(permissions)
            return path.hasPrefix("/") && flags.count == 4 && flags[1] != "w" && flags[3] == "p" && anonymousKiB == 0 && !pinned
        }
    }

    public var mappings: [Mapping]

    /// The clean file views that hold resident pages: what `MemoryTrim` drops.
    public var droppable: [Mapping] { mappings.filter { $0.isCleanFileView && $0.residentKiB > 0 } }

    /// Parses an `smaps` listing; lines it does not know are ignored.
    public init(smaps: String) {
        mappings = []
        for line in smaps.split(separator: "\n", omittingEmptySubsequences: true) {
            if let mapping = Self.header(line) {
                mappings.append(mapping)
                continue
            }
            guard !mappings.isEmpty else { continue }
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2 else { continue }
            switch fields[0] {
            case "Rss:": mappings[mappings.count - 1].residentKiB = Int(fields[1]) ?? 0
            case "Anonymous:": mappings[mappings.count - 1].anonymousKiB = Int(fields[1]) ?? 0
            case "VmFlags:": mappings[mappings.count - 1].pinned = fields.contains { ["lo", "io", "pf"].contains($0) }
            default: break
            }
        }
    }

    /// The first line of an entry: `start-end perms offset dev inode [path]`.
    private static func header(_ line: Substring) -> Mapping? {
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count >= 5 else { return nil }
        let range = fields[0].split(separator: "-")
        guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16), start < end else { return nil }
        let path = fields.count > 5 ? String(fields[5].drop(while: { $0 == " " })) : ""
        return Mapping(start: start, end: end, permissions: String(fields[1]), path: path, residentKiB: 0, anonymousKiB: 0, pinned: false)
    }
}
