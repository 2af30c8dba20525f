/// The compact summary of one prompt: the `info` of the `kymon.snapshot/1` contract.
///
/// Times are milliseconds since the Unix epoch, from the server's clock. Absent values stay nil and
/// are omitted from JSON.
public struct PromptInfo: Sendable, Equatable {
    /// Whether the info comes from the queue or from history.
    public enum Kind: String, Sendable {
        case queue, history
    }

    public var id: String
    public var kind: Kind
    public var status: PromptStatus
    /// ComfyUI's queue number (priority); may be fractional or negative.
    public var number: Double?
    /// 1 = next to run; pending prompts only.
    public var queuePosition: Int?
    /// Overall progress 0...1 of a running prompt, when known.
    public var progress: Double?
    /// The executing node, or where a failed or interrupted prompt stopped.
    public var currentNode: NodeReference?
    /// The executing node's own progress (sampler steps and the like), when it reports any.
    public var nodeProgress: NodeProgress?
    /// When the prompt is expected to end (ms since the epoch), from recent runs of the same
    /// workflow; nil without a basis.
    public var expectedEndTime: Int64?
    public var createTime: Int64?
    public var startTime: Int64?
    public var endTime: Int64?
    public var error: ErrorInfo?
    /// Output files as `subfolder/filename`, at most `PromptInfo.maximumOutputs`.
    public var outputs: [String]
    /// Groups runs of the same workflow for ETAs (UI workflow id, else a hash of the class types).
    /// Not part of the JSON contract.
    public var workflowKey: String?

    /// The contract keeps at most this many output names.
    public static let maximumOutputs = 10

    public init(
        id: String, kind: Kind, status: PromptStatus, number: Double? = nil, queuePosition: Int? = nil,
        progress: Double? = nil, currentNode: NodeReference? = nil, nodeProgress: NodeProgress? = nil, expectedEndTime: Int64? = nil, createTime: Int64? = nil,
        startTime: Int64? = nil, endTime: Int64? = nil, error: ErrorInfo? = nil, outputs: [String] = []
    ) {
        self.id = id
        self.kind = kind
        self.status = status
        self.number = number
        self.queuePosition = queuePosition
        self.progress = progress
        self.currentNode = currentNode
        self.nodeProgress = nodeProgress
        self.expectedEndTime = expectedEndTime
        self.createTime = createTime
        self.startTime = startTime
        self.endTime = endTime
        self.error = error
        self.outputs = outputs
    }

    /// End minus start, when both are known.
    public var durationMilliseconds: Int64? {
        guard let startTime, let endTime else { return nil }
        return endTime - startTime
    }

    /// `success` or `failure` for history items.
    public var result: String? {
        guard kind == .history else { return nil }
        return status == .completed ? "success" : "failure"
    }
}
