/// Reads any ComfyUI document kymon understands, detected by shape, into an assembler.
///
/// Shapes: a queue (`/queue`), a history (`/history`, `/history/{id}`), a jobs list (`/api/jobs`)
/// or a job detail (`/api/jobs/{id}`). Infos decoded before a malformed spot stay in the assembler.
public enum DocumentDecoder {
    private static let jobFields: Set<String> = [
        "id", "status", "priority", "create_time", "execution_start_time", "execution_end_time",
        "execution_error", "outputs_count", "preview_output", "workflow_id", "outputs", "execution_status", "workflow",
    ]

    /// Decodes one whole document from `reader`.
    public static func decode(from reader: JSONReader, into assembler: inout SnapshotAssembler, options: DecodeOptions = DecodeOptions()) throws {
        guard try reader.peekKind() == .object else {
            throw reader.typeError(expected: "an object (a ComfyUI queue, history or jobs document)")
        }
        try reader.beginObject()
        guard let firstKey = try reader.nextKey() else { return try reader.finish() }
        switch firstKey {
        case "queue_running", "queue_pending":
            try decodeQueue(from: reader, firstKey: firstKey, into: &assembler)
        case "jobs", "pagination":
            try decodeJobList(from: reader, firstKey: firstKey, into: &assembler, options: options)
        case "exec_info", "node_errors", "system", "devices":
            throw reader.syntaxError("this looks like a /prompt or /system_stats answer, not a ComfyUI queue, history or jobs document")
        case "prompt" where try reader.peekKind() == .object:
            throw reader.syntaxError("this looks like a POST /prompt request body, not a ComfyUI queue, history or jobs document")
        case "error" where try reader.peekKind() != .object:
            let detail = try reader.peekKind() == .string ? ": " + (try reader.readString(maximumBytes: 500)) : ""
            throw reader.syntaxError("this is an error reply, not a ComfyUI queue, history or jobs document\(detail)")
        case _ where jobFields.contains(firstKey):
            try add(try JobRecord.decode(from: reader, options: options, firstKey: firstKey), detail: .fullRecord, to: &assembler)
        default:
            var key: String? = firstKey
            while let id = key {
                if try reader.peekKind() == .object {
                    assembler.add(try HistoryEntry.decode(id: id, from: reader, options: options), detail: .fullRecord)
                } else {
                    throw reader.typeError(expected: "an object for the history entry '\(id)'")
                }
                key = try reader.nextKey(maximumBytes: 4096)
            }
        }
        try reader.finish()
    }

    private static func decodeQueue(from reader: JSONReader, firstKey: String, into assembler: inout SnapshotAssembler) throws {
        assembler.markQueueView()
        var key: String? = firstKey
        while let name = key {
            switch name {
            case "queue_running", "queue_pending":
                let status: PromptStatus = name == "queue_running" ? .running : .pending
                try reader.forEachElement(name) {
                    let item = try QueueItem.decode(from: reader, withGraph: status == .running)
                    var info = PromptInfo(id: item.id, kind: .queue, status: status, number: item.number, createTime: item.createTime)
                    info.workflowKey = item.workflowKey
                    assembler.add(info, detail: .queueItem)
                    if let graph = item.graph { assembler.recordGraph(graph, for: item.id) }
                }
            default:
                try reader.skipValue()
            }
            key = try reader.nextKey()
        }
    }

    private static func decodeJobList(from reader: JSONReader, firstKey: String, into assembler: inout SnapshotAssembler, options: DecodeOptions) throws {
        assembler.markQueueView()
        var key: String? = firstKey
        while let name = key {
            if name == "jobs" {
                try reader.forEachElement("jobs") {
                    try add(try JobRecord.decode(from: reader, options: options), detail: .jobSummary, to: &assembler)
                }
            } else {
                try reader.skipValue()
            }
            key = try reader.nextKey()
        }
    }

    private static func add(_ outcome: JobRecord.Outcome, detail: SnapshotAssembler.Detail, to assembler: inout SnapshotAssembler) throws {
        switch outcome {
        case .info(let info):
            assembler.add(info, detail: info.kind == .history && detail == .fullRecord ? .fullRecord : detail)
        case .unknownStatus(let id, let status):
            assembler.warn("job \(id) has status '\(status)', which kymon does not know; skipped")
        }
    }
}
