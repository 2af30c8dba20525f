/// What a history `status` object (or a job's `execution_status`) says about a prompt's run.
struct ExecutionRecord: Sendable, Equatable {
    var statusString: String?
    var startTime: Int64?
    var succeeded = false
    var successTime: Int64?
    var error: TerminalEvent?
    var interruption: TerminalEvent?

    /// The terminal state: messages first (error > interrupted > success), then `status_str`,
    /// then `completed`.
    var status: PromptStatus {
        if error != nil { return .failed }
        if interruption != nil { return .interrupted }
        if succeeded { return .completed }
        return statusString == "error" ? .failed : .completed
    }

    /// Timestamp of the message that decided the state.
    var endTime: Int64? {
        switch status {
        case .failed: return error?.timestamp
        case .interrupted: return interruption?.timestamp
        default: return successTime
        }
    }

    /// The event behind a failed or interrupted state.
    var terminalEvent: TerminalEvent? {
        switch status {
        case .failed: return error
        case .interrupted: return interruption
        default: return nil
        }
    }
}

extension ExecutionRecord {
    /// Decodes `{"status_str", "completed", "messages": [[name, payload], ...]}`.
    ///
    /// Messages are looked up by name, never by position; unknown ones are skipped. A live
    /// `execution_error` without a timestamp (ExecutionBlocked) is not recorded by ComfyUI, but if
    /// one appears it still counts: history only holds what ended the prompt.
    static func decode(from reader: JSONReader, options: DecodeOptions, context: String) throws -> ExecutionRecord {
        var record = ExecutionRecord()
        try reader.beginObject(context)
        while let field = try reader.nextKey(matching: ["status_str", "messages"]) {
            switch field {
            case 0: record.statusString = try reader.readOptionalString("\(context).status_str", maximumBytes: 64)
            case 1:
                record = ExecutionRecord(statusString: record.statusString)  // a repeated key: the last one wins
                try reader.forEachElement("\(context).messages") {
                    try decodeMessage(from: reader, into: &record, options: options, context: "\(context).messages[]")
                }
            default: try reader.skipValue()
            }
        }
        return record
    }

    private static func decodeMessage(from reader: JSONReader, into record: inout ExecutionRecord, options: DecodeOptions, context: String) throws {
        try reader.beginArray("a status message [name, payload]")
        guard try reader.nextElement() else { return }
        let name = try reader.readString("the message name", maximumBytes: 256)
        guard try reader.nextElement() else { return }
        if try reader.peekKind() == .object {
            switch name {
            case "execution_start":
                record.startTime = try timestamp(from: reader, context: "\(name).timestamp") ?? record.startTime
            case "execution_success":
                record.succeeded = true
                record.successTime = try timestamp(from: reader, context: "\(name).timestamp")
            case "execution_error":
                record.error = try TerminalEvent.decode(from: reader, options: options, context: name)
            case "execution_interrupted":
                var event = try TerminalEvent.decode(from: reader, options: options, context: name)
                event.error = nil
                record.interruption = event
            default:
                try reader.skipValue()
            }
        } else {
            try reader.skipValue()
        }
        while try reader.nextElement() { try reader.skipValue() }
    }

    private static func timestamp(from reader: JSONReader, context: String) throws -> Int64? {
        var value: Int64?
        try reader.beginObject()
        while let field = try reader.nextKey(matching: ["timestamp"]) {
            if field == 0 { value = try reader.readOptionalMilliseconds(context) } else { try reader.skipValue() }
        }
        return value
    }
}
