/// A hash that is the same in every process (Swift's `Hasher` is seeded per run): FNV-1a, 64 bits.
enum StableHash {
    /// The hash of `parts` joined by newlines, as 16 lowercase hex digits.
    static func hex(of parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (index, part) in parts.enumerated() {
            if index > 0 { hash = (hash ^ 0x0A) &* 0x100_0000_01b3 }
            for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
