/// A `kymon.snapshot/1` document: every known prompt of one source, in contract order.
public struct Snapshot: Sendable, Equatable {
    /// The schema identifier written into every document.
    public static let schema = "kymon.snapshot/1"

    /// The server URL or the input paths.
    public var source: String
    /// When the document was built, in milliseconds since the epoch.
    public var generatedAt: Int64
    /// Present when a queue or jobs document was read.
    public var queue: QueueCounts?
    /// Running by number, pending by position, then history newest first.
    public var items: [PromptInfo]

    public init(source: String, generatedAt: Int64, queue: QueueCounts?, items: [PromptInfo]) {
        self.source = source
        self.generatedAt = generatedAt
        self.queue = queue
        self.items = items
    }
}
