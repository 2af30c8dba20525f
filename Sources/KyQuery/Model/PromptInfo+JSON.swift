extension PromptInfo {
    /// Writes the info as a JSON object in contract key order; absent values are omitted.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        writer.string(id)
        writer.key("type")
        writer.string(kind.rawValue)
        writer.key("status")
        writer.string(status.rawValue)
        if let number {
            writer.key("number")
            writer.number(number)
        }
        if let queuePosition {
            writer.key("queue_position")
            writer.integer(Int64(queuePosition))
        }
        if let progress {
            writer.key("progress")
            writer.number((progress * 10_000).rounded() / 10_000)
        }
        if let currentNode {
            writer.key("current_node")
            writer.beginObject()
            writer.key("id")
            writer.string(currentNode.id)
            if let type = currentNode.type {
                writer.key("type")
                writer.string(type)
            }
            writer.endObject()
        }
        if let nodeProgress {
            writer.key("node_progress")
            writer.beginObject()
            writer.key("value")
            writer.number(nodeProgress.value)
            writer.key("max")
            writer.number(nodeProgress.max)
            writer.endObject()
        }
        writeTime("create_time", createTime, to: &writer)
        writeTime("start_time", startTime, to: &writer)
        writeTime("end_time", endTime, to: &writer)
        writeTime("expected_end_time", expectedEndTime, to: &writer)
        if let durationMilliseconds {
            writer.key("duration_ms")
            writer.integer(durationMilliseconds)
        }
        if let result {
            writer.key("result")
            writer.string(result)
        }
        if let error {
            writer.key("error_info")
            error.write(to: &writer)
        }
        if !outputs.isEmpty {
            writer.key("outputs")
            writer.beginArray()
            for output in outputs { writer.string(output) }
            writer.endArray()
        }
        writer.endObject()
    }

    /// The info as one compact JSON document.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.bytes
    }

    private func writeTime(_ key: String, _ milliseconds: Int64?, to writer: inout JSONWriter) {
        guard let milliseconds else { return }
        writer.key(key)
        writer.string(Timestamp.iso8601(milliseconds: milliseconds))
    }
}

extension ErrorInfo {
    /// Writes `{"type","message","traceback"}`, omitting what is unknown.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        if let type {
            writer.key("type")
            writer.string(type)
        }
        if let message {
            writer.key("message")
            writer.string(message)
        }
        writer.key("traceback")
        writer.beginArray()
        for frame in traceback { writer.string(frame) }
        writer.endArray()
        writer.endObject()
    }
}

extension Snapshot {
    /// Writes the whole `kymon.snapshot/1` document; `extra` adds members such as `server`/`seq`.
    public func write(to writer: inout JSONWriter, extra: (inout JSONWriter) -> Void = { _ in }) {
        writeOpening(to: &writer, extra: extra)
        for item in items { item.write(to: &writer) }
        writer.endArray()
        writer.endObject()
    }

    /// Writes everything up to and including the `[` of `items`; the items follow.
    func writeOpening(to writer: inout JSONWriter, extra: (inout JSONWriter) -> Void = { _ in }) {
        writer.beginObject()
        writer.key("schema")
        writer.string(Self.schema)
        extra(&writer)
        writer.key("source")
        writer.string(source)
        writer.key("generated_at")
        writer.string(Timestamp.iso8601(milliseconds: generatedAt))
        if let queue {
            writer.key("queue")
            writer.beginObject()
            writer.key("running")
            writer.integer(Int64(queue.running))
            writer.key("pending")
            writer.integer(Int64(queue.pending))
            writer.endObject()
        }
        writer.key("items")
        writer.beginArray()
    }

    /// The document as compact JSON bytes.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(reservingCapacity: 1024 + items.count * 256)
        write(to: &writer)
        return writer.bytes
    }
}
