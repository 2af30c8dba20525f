/// One JSON message of ComfyUI's `/ws` socket, reduced to what a monitor needs.
///
/// Payload fields kymon does not use (outputs, inputs, workflows) are skipped unread.
public enum ComfyEvent: Sendable, Equatable {
    /// The queue changed; `queue_remaining` counts running plus pending.
    case status(queueRemaining: Int?)
    case executionStart(promptID: String, timestamp: Int64?)
    /// Nodes whose output was cached and will not run.
    case executionCached(promptID: String, nodes: [String])
    /// A node started; `node` nil means the prompt finished (its history entry may still be missing).
    case executing(promptID: String?, node: NodeReference?)
    /// The executing node's own progress.
    case progress(promptID: String?, node: String?, NodeProgress)
    /// Every non-pending node of the prompt (a full snapshot each time).
    case progressState(promptID: String, nodes: [String: BridgeRunningPrompt.NodeState])
    case executionSuccess(promptID: String, timestamp: Int64?)
    /// `timestamp` nil marks ComfyUI's `ExecutionBlocked` message, which does not end the prompt.
    case executionError(promptID: String, timestamp: Int64?, node: NodeReference?, error: ErrorInfo?)
    case executionInterrupted(promptID: String, timestamp: Int64?, node: NodeReference?)
    /// Any other type (`executed`, `feature_flags`, custom nodes' own messages).
    case other(type: String)

    /// The prompt the event is about, when it names one.
    public var promptID: String? {
        switch self {
        case .executionStart(let id, _), .executionCached(let id, _), .progressState(let id, _), .executionSuccess(let id, _),
            .executionError(let id, _, _, _), .executionInterrupted(let id, _, _):
            return id
        case .executing(let id, _), .progress(let id, _, _): return id
        case .status, .other: return nil
        }
    }
}
