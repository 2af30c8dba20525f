/// How many prompts are running and waiting.
public struct QueueCounts: Sendable, Equatable {
    public var running: Int
    public var pending: Int

    public init(running: Int, pending: Int) {
        self.running = running
        self.pending = pending
    }
}
