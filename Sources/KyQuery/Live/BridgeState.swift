/// What the kymon bridge's `GET /kymon/state` says about a running prompt.
public struct BridgeRunningPrompt: Sendable, Equatable {
    /// One node of the latest `progress_state`.
    public struct NodeState: Sendable, Equatable {
        public var value: Double?
        public var max: Double?
        /// `running` or `finished`.
        public var state: String?
        /// The graph node an expanded node belongs to.
        public var displayNodeID: String?

        public init(value: Double? = nil, max: Double? = nil, state: String? = nil, displayNodeID: String? = nil) {
            self.value = value
            self.max = max
            self.state = state
            self.displayNodeID = displayNodeID
        }
    }

    public var promptID: String
    public var startedAt: Int64?
    /// The executing node and, when the bridge knew it, its class type.
    public var currentNode: NodeReference?
    public var nodes: [String: NodeState] = [:]
    public var cached: [String] = []

    public init(promptID: String, startedAt: Int64? = nil, currentNode: NodeReference? = nil, nodes: [String: NodeState] = [:], cached: [String] = []) {
        self.promptID = promptID
        self.startedAt = startedAt
        self.currentNode = currentNode
        self.nodes = nodes
        self.cached = cached
    }

    /// Decodes `{"bridge", "version", "running": [...]}`; unknown fields are skipped.
    public static func decodeList(from body: [UInt8], documentName: String) throws -> [BridgeRunningPrompt] {
        let reader = JSONReader(bytes: body, documentName: documentName)
        var prompts: [BridgeRunningPrompt] = []
        try reader.forEachMember("the bridge state") { key in
            guard key == "running" else { return try reader.skipValue() }
            try reader.forEachElement("running") { prompts.append(try decode(from: reader)) }
        }
        try reader.finish()
        return prompts
    }

    private static func decode(from reader: JSONReader) throws -> BridgeRunningPrompt {
        var prompt = BridgeRunningPrompt(promptID: "")
        try reader.beginObject("a running prompt")
        while let field = try reader.nextKey(matching: ["prompt_id", "started_at", "current_node", "nodes", "cached"]) {
            switch field {
            case 0: prompt.promptID = try reader.readIdentifier("prompt_id")
            case 1: prompt.startedAt = try reader.readOptionalMilliseconds("started_at")
            case 2 where try reader.peekKind() == .object:
                var id: String?
                var type: String?
                var display: String?
                try reader.forEachMember("current_node") { key in
                    switch key {
                    case "id": id = try reader.consumeNull() ? nil : try reader.readIdentifier("current_node.id")
                    case "type": type = try reader.readOptionalString("current_node.type", maximumBytes: 1024)
                    case "display_node": display = try reader.consumeNull() ? nil : try reader.readIdentifier("current_node.display_node")
                    default: try reader.skipValue()
                    }
                }
                if let node = display ?? id { prompt.currentNode = NodeReference(id: node, type: type) }
            case 3 where try reader.peekKind() == .object:
                try reader.forEachMember("nodes") { nodeID in prompt.nodes[nodeID] = try decodeNode(from: reader) }
            case 4 where try reader.peekKind() == .array:
                try reader.forEachElement("cached") {
                    if try reader.peekKind() == .string { prompt.cached.append(try reader.readString(maximumBytes: 256)) } else { try reader.skipValue() }
                }
            default: try reader.skipValue()
            }
        }
        guard !prompt.promptID.isEmpty else { throw reader.syntaxError("a running prompt without prompt_id") }
        return prompt
    }

    static func decodeNode(from reader: JSONReader) throws -> NodeState {
        var node = NodeState()
        guard try reader.peekKind() == .object else {
            try reader.skipValue()
            return node
        }
        /// The value when it has `kind`; anything else is skipped and reads as absent.
        func read<Value>(_ kind: JSONKind, _ read: () throws -> Value) throws -> Value? {
            guard try reader.peekKind() == kind else {
                try reader.skipValue()
                return nil
            }
            return try read()
        }
        try reader.forEachMember("a node") { key in
            switch key {
            case "value": node.value = try read(.number) { try reader.readNumber() }
            case "max": node.max = try read(.number) { try reader.readNumber() }
            case "state": node.state = try read(.string) { try reader.readString(maximumBytes: 64) }
            case "display_node_id": node.displayNodeID = try read(.string) { try reader.readString(maximumBytes: 256) }
            default: try reader.skipValue()
            }
        }
        return node
    }

    /// Overall progress: (finished nodes + the running node's value/max) / nodes to run, where nodes
    /// to run are the outputs' ancestors minus cached ones. Kept below 1 until the prompt ends, since
    /// lazy inputs and expanded nodes make the count drift. Nil without a graph to count from.
    public func progress(in graph: WorkflowGraph) -> Double? {
        let cachedSet = Set(cached)
        let toRun = graph.requiredNodes().subtracting(cachedSet)
        guard !toRun.isEmpty else { return nil }
        var finished: Set<String> = []
        var running = 0.0
        for (id, node) in nodes {
            let graphID = toRun.contains(id) ? id : node.displayNodeID ?? id
            guard toRun.contains(graphID) else { continue }
            if node.state == "finished" {
                finished.insert(graphID)
            } else if node.state == "running", running == 0, let value = node.value, let max = node.max, max > 0 {
                running = Swift.min(1, Swift.max(0, value / max))
            }
        }
        let estimate = (Double(finished.count) + running) / Double(toRun.count)
        return Swift.min(0.99, Swift.max(0, estimate))
    }
}
