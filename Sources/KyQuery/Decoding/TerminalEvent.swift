/// The message that ended a prompt: `execution_error` or `execution_interrupted`.
struct TerminalEvent: Sendable, Equatable {
    var promptID: String?
    var timestamp: Int64?
    var node: NodeReference?
    var error: ErrorInfo?
}

extension TerminalEvent {
    /// Decodes an `execution_error` or `execution_interrupted` payload; `current_inputs` and the
    /// like are skipped.
    static func decode(from reader: JSONReader, options: DecodeOptions, context: String) throws -> TerminalEvent {
        var event = TerminalEvent()
        var nodeID: String?
        var nodeType: String?
        var exceptionType: String?
        var message: String?
        var frames = InnermostFrames(depth: options.tracebackDepth)
        var sawErrorField = false
        let fields: [StaticString] = ["timestamp", "node_id", "node_type", "exception_type", "exception_message", "traceback", "prompt_id"]
        try reader.beginObject(context)
        while let field = try reader.nextKey(matching: fields) {
            switch field {
            case 0: event.timestamp = try reader.readOptionalMilliseconds("\(context).timestamp")
            case 1: nodeID = try reader.consumeNull() ? nil : try reader.readIdentifier("\(context).node_id")
            case 2: nodeType = try reader.readOptionalString("\(context).node_type", maximumBytes: 1024)
            case 3:
                exceptionType = try reader.readOptionalString("\(context).exception_type", maximumBytes: 4096)
                sawErrorField = true
            case 4:
                message = try reader.readOptionalString("\(context).exception_message", maximumBytes: options.maximumMessageLength * 4 + 64)
                sawErrorField = true
            case 5:
                sawErrorField = true
                try reader.forEachElement("\(context).traceback") {
                    if try reader.peekKind() == .string {
                        frames.append(try reader.readString(maximumBytes: 4096))
                    } else {
                        try reader.skipValue()
                    }
                }
            case 6: event.promptID = try reader.consumeNull() ? nil : try reader.readIdentifier("\(context).prompt_id")
            default: try reader.skipValue()
            }
        }
        if let nodeID { event.node = NodeReference(id: nodeID, type: nodeType) }
        if sawErrorField {
            event.error = ErrorInfo(
                type: exceptionType.map(ErrorText.exceptionType),
                message: message.map { ErrorText.message($0, maximumLength: options.maximumMessageLength) },
                traceback: frames.frames.map(ErrorText.frame)
            )
        }
        return event
    }
}

/// Keeps the last `depth` traceback entries while streaming through the list.
struct InnermostFrames {
    let depth: Int
    private(set) var frames: [String] = []

    init(depth: Int) { self.depth = depth }

    mutating func append(_ frame: String) {
        guard depth > 0 else { return }
        if frames.count == depth { frames.removeFirst() }
        frames.append(frame)
    }
}
