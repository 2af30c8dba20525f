import CKySkip

extension JSONReader {
    /// The buffer size an unchecked skip grows to first: room for several large containers, so
    /// few straddle the buffer's end and get scanned twice.
    static let uncheckedMinimumWindow = 2 << 20
    /// Whether this CPU has the SIMD implementations; one byte at a time the unchecked skip is
    /// slower than the checked one, so without them every container is checked.
    static let uncheckedSkipIsFaster = ky_skip_level_available(KY_SKIP_LEVEL_SSE2) != 0

    /// Skips the container at the current position by its strings and brackets alone, which
    /// needs it whole in the buffer: the buffer is refilled, and grown up to
    /// `uncheckedWindowLimit`, to hold it. False leaves the position where it was, for the
    /// checked skipper: the input ends first (that skipper says where it is cut), or the
    /// container is larger than the limit.
    func skipContainerUnchecked() throws -> Bool {
        while true {
            let available = end - position
            let length = ky_skip_container_unchecked(bytes + position, available, uncheckedSkipLevel)
            if length >= 0 {
                position += length
                return true
            }
            guard !atEndOfInput else { return false }
            var wanted = capacity
            if available == capacity {
                // The container fills the buffer: grow it.
                wanted = max(capacity * 2, Self.uncheckedMinimumWindow)
                guard wanted <= uncheckedWindowLimit else { return false }
            }
            guard try compactAndFill(capacity: wanted) > 0 else { return false }
        }
    }
}
