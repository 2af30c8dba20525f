import KyQuery

/// What the watcher knows about a prompt that has not finished.
struct TrackedPrompt: Sendable {
    var info: PromptInfo
    /// Links and outputs of the API graph, from `/queue`, for progress.
    var graph: WorkflowGraph?
    var cached: Set<String> = []
    /// The latest `progress_state`.
    var nodeStates: [String: BridgeRunningPrompt.NodeState] = [:]
    /// True while `start_time` is "first seen running" rather than the server's own.
    var provisionalStart = false

    /// Recomputes `progress` from the latest node states; nil without a graph or states.
    mutating func updateProgress() {
        guard let graph, !nodeStates.isEmpty else { return }
        let snapshot = BridgeRunningPrompt(promptID: info.id, nodes: nodeStates, cached: Array(cached))
        info.progress = snapshot.progress(in: graph) ?? info.progress
    }

    /// Sets the executing node, naming its class type from the graph; true when it changed.
    mutating func move(to node: NodeReference) -> Bool {
        var node = node
        node.type = node.type ?? graph?.nodeTypes[node.id]
        guard info.currentNode?.id != node.id else {
            if info.currentNode?.type == nil { info.currentNode = node }
            return false
        }
        info.currentNode = node
        info.nodeProgress = nil
        return true
    }
}
