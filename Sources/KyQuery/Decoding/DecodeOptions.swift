/// Choices that shape infos while decoding.
public struct DecodeOptions: Sendable, Equatable {
    /// How many innermost traceback frames to keep (the contract's default is 2).
    public var tracebackDepth: Int
    /// Longest error message kept, in characters, including the cut mark.
    public var maximumMessageLength: Int

    public init(tracebackDepth: Int = 2, maximumMessageLength: Int = 500) {
        self.tracebackDepth = tracebackDepth
        self.maximumMessageLength = maximumMessageLength
    }
}
