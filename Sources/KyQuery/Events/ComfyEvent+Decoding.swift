extension ComfyEvent {
    /// Decodes a text frame `{"type": "...", "data": {...}}`; `name` is what errors call it.
    ///
    /// Unknown types decode as `.other`; a known type with a malformed payload is an error.
    public static func decode(_ frame: [UInt8], name: String, options: DecodeOptions = DecodeOptions()) throws -> ComfyEvent {
        let type = try messageType(of: frame, name: name)
        let reader = JSONReader(bytes: frame, documentName: name)
        var event = ComfyEvent.other(type: type)
        try reader.forEachMember("a WebSocket message") { key in
            guard key == "data", try reader.peekKind() == .object else { return try reader.skipValue() }
            event = try decodePayload(type: type, from: reader, options: options)
        }
        try reader.finish()
        return event
    }

    /// The `type` member, read in a first pass so `data` may come before it.
    private static func messageType(of frame: [UInt8], name: String) throws -> String {
        let reader = JSONReader(bytes: frame, documentName: name)
        var type: String?
        try reader.beginObject("a WebSocket message")
        while let key = try reader.nextKey() {
            if key == "type", try reader.peekKind() == .string {
                type = try reader.readString(maximumBytes: 256)
            } else {
                try reader.skipValue()
            }
        }
        try reader.finish()
        guard let type else { throw reader.syntaxError("a WebSocket message without a \"type\"") }
        return type
    }

    private static func decodePayload(type: String, from reader: JSONReader, options: DecodeOptions) throws -> ComfyEvent {
        switch type {
        case "status": return try decodeStatus(from: reader)
        case "execution_error", "execution_interrupted":
            let terminal = try TerminalEvent.decode(from: reader, options: options, context: type)
            guard let id = terminal.promptID, !id.isEmpty else { throw reader.syntaxError("\(type) without a prompt_id") }
            return type == "execution_error"
                ? .executionError(promptID: id, timestamp: terminal.timestamp, node: terminal.node, error: terminal.error)
                : .executionInterrupted(promptID: id, timestamp: terminal.timestamp, node: terminal.node)
        default:
            var payload = Payload()
            try payload.decode(from: reader, options: options, context: type)
            switch type {
            case "execution_start": return .executionStart(promptID: try payload.requirePromptID(reader, type), timestamp: payload.timestamp)
            case "execution_cached": return .executionCached(promptID: try payload.requirePromptID(reader, type), nodes: payload.nodeList)
            case "executing":
                let node = (payload.displayNode ?? payload.node).map { NodeReference(id: $0) }
                return .executing(promptID: payload.promptID, node: node)
            case "progress":
                return .progress(promptID: payload.promptID, node: payload.node, NodeProgress(value: payload.value ?? 0, max: payload.max ?? 0))
            case "progress_state": return .progressState(promptID: try payload.requirePromptID(reader, type), nodes: payload.nodeStates)
            case "execution_success": return .executionSuccess(promptID: try payload.requirePromptID(reader, type), timestamp: payload.timestamp)
            default: return .other(type: type)
            }
        }
    }

    private static func decodeStatus(from reader: JSONReader) throws -> ComfyEvent {
        var remaining: Int?
        try reader.forEachMember("status data") { key in
            guard key == "status", try reader.peekKind() == .object else { return try reader.skipValue() }
            try reader.forEachMember("status.status") { key in
                guard key == "exec_info", try reader.peekKind() == .object else { return try reader.skipValue() }
                try reader.forEachMember("exec_info") { key in
                    if key == "queue_remaining", try reader.peekKind() == .number {
                        let value = try reader.readNumber("queue_remaining")
                        remaining = value >= 0 && value < 1e9 ? Int(value) : nil
                    } else {
                        try reader.skipValue()
                    }
                }
            }
        }
        return .status(queueRemaining: remaining)
    }
}

/// The payload fields shared by the execution messages.
private struct Payload {
    var promptID: String?
    var timestamp: Int64?
    var node: String?
    var displayNode: String?
    var value: Double?
    var max: Double?
    var nodeList: [String] = []
    var nodeStates: [String: BridgeRunningPrompt.NodeState] = [:]

    mutating func decode(from reader: JSONReader, options: DecodeOptions, context: String) throws {
        try reader.forEachMember(context) { key in try decodeField(key, from: reader, context: context) }
    }

    func requirePromptID(_ reader: JSONReader, _ type: String) throws -> String {
        guard let promptID, !promptID.isEmpty else { throw reader.syntaxError("\(type) without a prompt_id") }
        return promptID
    }

    private mutating func decodeField(_ key: String, from reader: JSONReader, context: String) throws {
        switch key {
        case "prompt_id": promptID = try reader.consumeNull() ? nil : try reader.readIdentifier("\(context).prompt_id")
        case "timestamp": timestamp = try reader.readOptionalMilliseconds("\(context).timestamp")
        case "node": node = try reader.consumeNull() ? nil : try reader.readIdentifier("\(context).node")
        case "display_node": displayNode = try reader.consumeNull() ? nil : try reader.readIdentifier("\(context).display_node")
        case "value" where try reader.peekKind() == .number: value = try reader.readNumber("\(context).value")
        case "max" where try reader.peekKind() == .number: max = try reader.readNumber("\(context).max")
        case "nodes" where try reader.peekKind() == .array:
            try reader.forEachElement("\(context).nodes") {
                switch try reader.peekKind() {
                case .string, .number: nodeList.append(try reader.readIdentifier("\(context).nodes[]"))
                default: try reader.skipValue()
                }
            }
        case "nodes" where try reader.peekKind() == .object:
            try reader.forEachMember("\(context).nodes") { id in nodeStates[id] = try BridgeRunningPrompt.decodeNode(from: reader) }
        default: try reader.skipValue()
        }
    }
}
