/// The shape of a prompt's API graph that progress needs: node types, links and output nodes.
public struct WorkflowGraph: Sendable, Equatable {
    /// Node id → class type.
    public var nodeTypes: [String: String] = [:]
    /// Node id → ids of the nodes its linked inputs come from.
    public var upstream: [String: [String]] = [:]
    /// `outputs_to_execute`.
    public var outputs: [String] = []

    public init(nodeTypes: [String: String] = [:], upstream: [String: [String]] = [:], outputs: [String] = []) {
        self.nodeTypes = nodeTypes
        self.upstream = upstream
        self.outputs = outputs
    }

    /// The outputs and everything they depend on through links (lazy inputs included, so this can
    /// overestimate what ComfyUI will run).
    public func requiredNodes() -> Set<String> {
        var required: Set<String> = []
        var pending = outputs
        while let node = pending.popLast() {
            guard required.insert(node).inserted else { continue }
            pending += upstream[node] ?? []
        }
        return required
    }
}
