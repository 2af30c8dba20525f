/// Decodes one history entry (`/history`, `/history/{id}`) into an info.
enum HistoryEntry {
    /// Reads `{"prompt": [...], "outputs": {...}, "status": {...}, "meta": {...}}`, skipping the
    /// graph's inputs, `extra_data` and `meta`.
    static func decode(id: String, from reader: JSONReader, options: DecodeOptions) throws -> PromptInfo {
        var item: QueueItem?
        var record: ExecutionRecord?
        var outputs: [String] = []
        var recognised = false
        try reader.beginObject("the history entry \(id)")
        let start = reader.bytesConsumed
        while let field = try reader.nextKey(matching: ["prompt", "outputs", "status"]) {
            recognised = recognised || field >= 0
            switch field {
            case 0: item = try reader.consumeNull() ? nil : try QueueItem.decode(from: reader)
            case 1:
                outputs = []  // a repeated key: the last one wins
                try OutputFiles.decode(from: reader, into: &outputs)
            case 2: record = try reader.consumeNull() ? nil : try ExecutionRecord.decode(from: reader, options: options, context: "status")
            default: try reader.skipValue()
            }
        }
        guard recognised else {
            throw reader.syntaxError("'\(id)' is not a history entry (expected a prompt, outputs or status member); is this a ComfyUI queue, history or jobs document?", at: start)
        }
        return info(id: id, item: item, record: record ?? ExecutionRecord(), outputs: outputs)
    }

    /// Builds the info of a finished prompt from what its entry said.
    static func info(id: String, item: QueueItem?, record: ExecutionRecord, outputs: [String]) -> PromptInfo {
        let status = record.status
        var info = PromptInfo(
            id: id, kind: .history, status: status, number: item?.number, createTime: item?.createTime,
            startTime: record.startTime, endTime: record.endTime, outputs: outputs
        )
        info.workflowKey = item?.workflowKey
        if let event = record.terminalEvent {
            if var node = event.node {
                if node.type == nil { node.type = item?.nodeTypes[node.id] }
                info.currentNode = node
            }
            if status == .failed { info.error = event.error }
        }
        return info
    }
}
