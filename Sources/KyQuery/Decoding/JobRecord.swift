/// Decodes one `/api/jobs` job (list item or detail view) into an info.
enum JobRecord {
    private static let fields: [StaticString] = [
        "id", "status", "priority", "create_time", "execution_start_time", "execution_end_time",
        "execution_error", "preview_output", "outputs", "execution_status", "workflow", "workflow_id",
    ]

    /// The outcome of decoding: an info, or the job's status word when kymon does not know it.
    enum Outcome {
        case info(PromptInfo)
        case unknownStatus(id: String, status: String)
    }

    /// Reads a job object whose first key (already consumed) was `firstKey`, or a fresh object when nil.
    static func decode(from reader: JSONReader, options: DecodeOptions, firstKey: String? = nil) throws -> Outcome {
        var id: String?
        var status: String?
        var priority: Double?
        var createTime: Int64?
        var startTime: Int64?
        var endTime: Int64?
        var error: TerminalEvent?
        var preview: String?
        var outputs: [String] = []
        var sawOutputs = false
        var record: ExecutionRecord?
        var nodeTypes: [String: String] = [:]
        var workflowID: String?

        func field(_ index: Int) throws {
            switch index {
            case 0: id = try reader.readIdentifier("job.id")
            case 1: status = try reader.readOptionalString("job.status", maximumBytes: 64)
            case 2: priority = try reader.readOptionalNumber("job.priority")
            case 3: createTime = try reader.readOptionalMilliseconds("job.create_time")
            case 4: startTime = try reader.readOptionalMilliseconds("job.execution_start_time")
            case 5: endTime = try reader.readOptionalMilliseconds("job.execution_end_time")
            case 6: error = try reader.consumeNull() ? nil : try TerminalEvent.decode(from: reader, options: options, context: "job.execution_error")
            case 7: preview = try OutputFiles.decodeItem(from: reader)
            case 8:
                sawOutputs = true
                outputs = []  // a repeated key: the last one wins
                try OutputFiles.decode(from: reader, into: &outputs)
            case 9: record = try reader.consumeNull() ? nil : try ExecutionRecord.decode(from: reader, options: options, context: "job.execution_status")
            case 10: nodeTypes = try decodeWorkflowGraph(from: reader)
            case 11: workflowID = try reader.readOptionalString("job.workflow_id", maximumBytes: 256)
            default: try reader.skipValue()
            }
        }

        if let firstKey {
            try field(fields.firstIndex(where: { $0.description == firstKey }) ?? -1)
        } else {
            try reader.beginObject("a job")
        }
        while let index = try reader.nextKey(matching: fields) { try field(index) }

        guard let id else { throw reader.syntaxError("job without an id; expected an \"id\" member") }
        if !sawOutputs, let preview { outputs = [preview] }
        var item = QueueItem(number: priority, id: id, nodeTypes: nodeTypes, createTime: createTime)
        item.workflowID = workflowID
        if let record {
            var info = HistoryEntry.info(id: id, item: item, record: record, outputs: outputs)
            info.startTime = info.startTime ?? startTime
            info.endTime = info.endTime ?? endTime
            return .info(info)
        }
        switch status {
        case "pending":
            var info = PromptInfo(id: id, kind: .queue, status: .pending, number: priority, createTime: createTime)
            info.workflowKey = item.workflowKey
            return .info(info)
        case "in_progress":
            var info = PromptInfo(id: id, kind: .queue, status: .running, number: priority, createTime: createTime, startTime: startTime)
            info.workflowKey = item.workflowKey
            return .info(info)
        case "completed", "failed", "cancelled":
            var record = ExecutionRecord(startTime: startTime)
            if status == "completed" {
                record.succeeded = true
                record.successTime = endTime
            } else if status == "failed", var error {
                // Servers 0.6–0.8 list interrupted prompts as failed; only a recorded error means failed.
                error.timestamp = error.timestamp ?? endTime
                record.error = error
            } else {
                record.interruption = TerminalEvent(timestamp: endTime)
            }
            return .info(HistoryEntry.info(id: id, item: item, record: record, outputs: outputs))
        default:
            return .unknownStatus(id: id, status: status ?? "(none)")
        }
    }

    /// Reads `workflow: {prompt: graph, extra_data: ...}` of a detail view, keeping node types only.
    private static func decodeWorkflowGraph(from reader: JSONReader) throws -> [String: String] {
        var types: [String: String] = [:]
        try reader.forEachMember("job.workflow") { key in
            if key == "prompt", try reader.peekKind() == .object {
                types = try QueueItem.decodeGraph(from: reader, withLinks: false).nodeTypes
            } else {
                try reader.skipValue()
            }
        }
        return types
    }
}
