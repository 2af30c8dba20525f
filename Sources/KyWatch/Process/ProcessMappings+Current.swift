import KyQuery

extension ProcessMappings {
    /// Largest `smaps` listing read; a process with thousands of mappings writes a few MiB.
    static let maximumListingBytes = 64 << 20

    /// This process's mappings now, or nil where `/proc/self/smaps` cannot be read (not Linux).
    public static func current() -> ProcessMappings? {
        #if os(Linux)
        guard let bytes = try? WholeFile.read("/proc/self/smaps", limit: maximumListingBytes) else { return nil }
        return ProcessMappings(smaps: String(decoding: bytes, as: UTF8.self))
        #else
        nil
        #endif
    }
}
