/// What kymon keeps of a queue item `[number, prompt_id, graph, extra_data, outputs_to_execute]`.
struct QueueItem: Sendable, Equatable {
    var number: Double?
    var id: String
    /// Node id to class type, from the graph.
    var nodeTypes: [String: String] = [:]
    var createTime: Int64?
    /// Links and outputs, decoded only when asked for (running prompts, for progress).
    var graph: WorkflowGraph?
    /// The UI workflow's id (`extra_data.extra_pnginfo.workflow.id`), when the browser sent one.
    var workflowID: String?

    /// Groups runs of the same workflow: the UI workflow id, else a hash of the graph's class types.
    var workflowKey: String? {
        if let workflowID { return "ui:" + workflowID }
        guard !nodeTypes.isEmpty else { return nil }
        return "graph:" + StableHash.hex(of: nodeTypes.values.sorted())
    }
}

extension QueueItem {
    /// Decodes a queue item, tolerating 4-element, 5-element, longer and Comfy Cloud shapes.
    ///
    /// Only `create_time` and the UI workflow's id are taken from `extra_data`: it can hold secrets
    /// and whole UI workflows.
    static func decode(from reader: JSONReader, withGraph: Bool = false) throws -> QueueItem {
        try reader.beginArray("a queue item")
        guard try reader.nextElement() else { throw reader.syntaxError("empty queue item; expected [number, prompt_id, ...]") }
        let number = try reader.readOptionalNumber("the queue number (item[0])")
        guard try reader.nextElement() else { throw reader.syntaxError("queue item ends before its prompt_id (item[1]); expected [number, prompt_id, ...]") }
        var item = QueueItem(number: number, id: try reader.readIdentifier("the prompt_id (item[1])"))
        var index = 2
        while try reader.nextElement() {
            let kind = try reader.peekKind()
            switch (index, kind) {
            case (2, .object):
                let graph = try decodeGraph(from: reader, withLinks: withGraph)
                item.nodeTypes = graph.nodeTypes
                if withGraph { item.graph = graph }
            case (3, .object), (4, .object): try decodeExtraData(from: reader, into: &item)
            case (3, .array) where withGraph, (4, .array) where withGraph: item.graph?.outputs = try decodeIdentifiers(from: reader)
            default: try reader.skipValue()
            }
            index += 1
        }
        return item
    }

    /// Reads node types and, with `withLinks`, the links between nodes (inputs that are
    /// `[source_id, output_index]`); other input values are skipped.
    static func decodeGraph(from reader: JSONReader, withLinks: Bool) throws -> WorkflowGraph {
        var graph = WorkflowGraph()
        try reader.beginObject("the prompt graph")
        while let nodeID = try reader.nextKey() {
            guard try reader.peekKind() == .object else {
                try reader.skipValue()
                continue
            }
            try reader.beginObject()
            while let field = try reader.nextKey(matching: ["class_type", "inputs"]) {
                switch field {
                case 0 where try reader.peekKind() == .string: graph.nodeTypes[nodeID] = try reader.readString(maximumBytes: 1024)
                case 1 where withLinks:
                    guard try reader.peekKind() == .object else {
                        try reader.skipValue()
                        continue
                    }
                    var sources: [String] = []
                    try reader.beginObject()
                    while try reader.nextKey() != nil {
                        if let source = try decodeLinkSource(from: reader) { sources.append(source) }
                    }
                    graph.upstream[nodeID] = sources
                default: try reader.skipValue()
                }
            }
        }
        return graph
    }

    /// The source node id of a link `[id, index]`; nil (value skipped) for any other input value.
    private static func decodeLinkSource(from reader: JSONReader) throws -> String? {
        guard try reader.peekKind() == .array else {
            try reader.skipValue()
            return nil
        }
        try reader.beginArray()
        var elements: [JSONKind] = []
        var source: String?
        while try reader.nextElement() {
            let kind = try reader.peekKind()
            elements.append(kind)
            if elements.count == 1, kind == .string { source = try reader.readString(maximumBytes: 256) } else { try reader.skipValue() }
        }
        return elements == [.string, .number] ? source : nil
    }

    /// Reads an array of ids (strings or numbers); other elements are skipped.
    private static func decodeIdentifiers(from reader: JSONReader) throws -> [String] {
        var ids: [String] = []
        try reader.beginArray()
        while try reader.nextElement() {
            switch try reader.peekKind() {
            case .string, .number: ids.append(try reader.readIdentifier("an output node id"))
            default: try reader.skipValue()
            }
        }
        return ids
    }

    /// Reads `create_time` and `extra_pnginfo.workflow.id`; everything else is skipped unread.
    private static func decodeExtraData(from reader: JSONReader, into item: inout QueueItem) throws {
        try reader.beginObject()
        while let field = try reader.nextKey(matching: ["create_time", "extra_pnginfo"]) {
            switch field {
            case 0: item.createTime = try reader.readOptionalMilliseconds("extra_data.create_time") ?? item.createTime
            case 1: item.workflowID = try decodeWorkflowID(from: reader) ?? item.workflowID
            default: try reader.skipValue()
            }
        }
    }

    /// `{"workflow": {"id": "..."}}` → the id; any other shape reads as absent.
    private static func decodeWorkflowID(from reader: JSONReader) throws -> String? {
        var id: String?
        guard try reader.peekKind() == .object else {
            try reader.skipValue()
            return nil
        }
        try reader.forEachMember("extra_pnginfo") { key in
            guard key == "workflow", try reader.peekKind() == .object else { return try reader.skipValue() }
            try reader.forEachMember("extra_pnginfo.workflow") { key in
                if key == "id", try reader.peekKind() == .string {
                    id = try reader.readString(maximumBytes: 256)
                } else {
                    try reader.skipValue()
                }
            }
        }
        return id
    }
}
