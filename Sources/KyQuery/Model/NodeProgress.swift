/// A node's own progress as ComfyUI reports it: `value` of `max` (steps, tiles, ...).
public struct NodeProgress: Sendable, Equatable {
    public var value: Double
    public var max: Double

    public init(value: Double, max: Double) {
        self.value = value
        self.max = max
    }

    /// value / max in 0...1, or nil when max is not positive.
    public var fraction: Double? {
        guard max > 0 else { return nil }
        return Swift.min(1, Swift.max(0, value / max))
    }
}
