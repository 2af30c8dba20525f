/// What kymon keeps of a queue item `[number, prompt_id, graph, extra_data, outputs_to_execute]`.
struct QueueItem: Sendable, Equatable {
    var number: Double?
    var id: String
    /// Node id to class type, from the graph.
    var nodeTypes: [String: String] = [:]
    var createTime: Int64?
}

extension QueueItem {
    /// Decodes a queue item, tolerating 4-element, 5-element, longer and Comfy Cloud shapes.
    ///
    /// Only `create_time` is taken from `extra_data`: it can hold secrets and whole UI workflows.
    static func decode(from reader: JSONReader) throws -> QueueItem {
        try reader.beginArray("a queue item")
        guard try reader.nextElement() else { throw reader.syntaxError("empty queue item; expected [number, prompt_id, ...]") }
        let number = try reader.readOptionalNumber("the queue number (item[0])")
        guard try reader.nextElement() else { throw reader.syntaxError("queue item ends before its prompt_id (item[1])") }
        var item = QueueItem(number: number, id: try reader.readIdentifier("the prompt_id (item[1])"))
        var index = 2
        while try reader.nextElement() {
            let kind = try reader.peekKind()
            switch (index, kind) {
            case (2, .object): item.nodeTypes = try decodeNodeTypes(from: reader)
            case (3, .object), (4, .object): item.createTime = try decodeCreateTime(from: reader) ?? item.createTime
            default: try reader.skipValue()
            }
            index += 1
        }
        return item
    }

    /// Reads `{node_id: {"class_type": ...}}`, skipping inputs.
    static func decodeNodeTypes(from reader: JSONReader) throws -> [String: String] {
        var types: [String: String] = [:]
        try reader.beginObject("the prompt graph")
        while let nodeID = try reader.nextKey() {
            guard try reader.peekKind() == .object else {
                try reader.skipValue()
                continue
            }
            try reader.beginObject()
            while let field = try reader.nextKey(matching: ["class_type"]) {
                if field == 0, try reader.peekKind() == .string {
                    types[nodeID] = try reader.readString(maximumBytes: 1024)
                } else {
                    try reader.skipValue()
                }
            }
        }
        return types
    }

    private static func decodeCreateTime(from reader: JSONReader) throws -> Int64? {
        var createTime: Int64?
        try reader.beginObject()
        while let field = try reader.nextKey(matching: ["create_time"]) {
            if field == 0 {
                createTime = try reader.readOptionalMilliseconds("extra_data.create_time")
            } else {
                try reader.skipValue()
            }
        }
        return createTime
    }
}
