/// A compact binary form of `PromptInfo`, for infos spilled to a temporary file.
///
/// Not a file format anyone else reads: it lives as long as one process, so it has no version.
/// The id comes first, so a reader can take it without decoding the rest.
extension PromptInfo {
    /// The info as a record.
    var record: [UInt8] {
        var writer = RecordWriter()
        writer.string(id)
        writer.byte(kind == .history ? 1 : 0)
        writer.byte(UInt8(PromptStatus.allCases.firstIndex(of: status) ?? 0))
        writer.optionalDouble(number)
        writer.optionalInteger(queuePosition.map(Int64.init))
        writer.optionalDouble(progress)
        writer.optionalString(currentNode?.id)
        writer.optionalString(currentNode?.type)
        writer.optionalDouble(nodeProgress?.value)
        writer.optionalDouble(nodeProgress?.max)
        writer.optionalInteger(expectedEndTime)
        writer.optionalInteger(createTime)
        writer.optionalInteger(startTime)
        writer.optionalInteger(endTime)
        writer.byte(error == nil ? 0 : 1)
        if let error {
            writer.optionalString(error.type)
            writer.optionalString(error.message)
            writer.strings(error.traceback)
        }
        writer.strings(outputs)
        writer.optionalString(workflowKey)
        return writer.bytes
    }

    /// Decodes a record made by `record`; nil if it is damaged.
    init?(record: UnsafeRawBufferPointer) {
        var reader = RecordReader(record)
        guard let id = reader.string(), let kindByte = reader.byte(), let statusByte = reader.byte(),
            Int(statusByte) < PromptStatus.allCases.count
        else { return nil }
        self.init(id: id, kind: kindByte == 1 ? .history : .queue, status: PromptStatus.allCases[Int(statusByte)])
        guard let number = reader.optionalDouble(), let position = reader.optionalInteger(), let progress = reader.optionalDouble(),
            let nodeID = reader.optionalString(), let nodeType = reader.optionalString(),
            let nodeValue = reader.optionalDouble(), let nodeMax = reader.optionalDouble(),
            let expected = reader.optionalInteger(), let create = reader.optionalInteger(), let start = reader.optionalInteger(),
            let end = reader.optionalInteger(), let hasError = reader.byte()
        else { return nil }
        self.number = number
        queuePosition = position.map { Int($0) }
        self.progress = progress
        currentNode = nodeID.map { NodeReference(id: $0, type: nodeType) }
        if let nodeValue, let nodeMax { nodeProgress = NodeProgress(value: nodeValue, max: nodeMax) }
        expectedEndTime = expected
        createTime = create
        startTime = start
        endTime = end
        if hasError == 1 {
            guard let type = reader.optionalString(), let message = reader.optionalString(), let traceback = reader.strings() else { return nil }
            error = ErrorInfo(type: type, message: message, traceback: traceback)
        }
        guard let outputs = reader.strings(), let workflowKey = reader.optionalString(), reader.isAtEnd else { return nil }
        self.outputs = outputs
        self.workflowKey = workflowKey
    }

    /// The id at the start of a record, without decoding the rest.
    static func id(ofRecord record: UnsafeRawBufferPointer) -> String? {
        var reader = RecordReader(record)
        return reader.string()
    }
}

/// Appends little-endian fields: a presence byte before optionals, a 32-bit length before text.
private struct RecordWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(256) }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func word(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { text in
            withUnsafeBytes(of: UInt32(text.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: text)
        }
    }

    /// A presence byte, then the value if there is one.
    private mutating func optional<Value>(_ value: Value?, _ write: (inout RecordWriter, Value) -> Void) {
        byte(value == nil ? 0 : 1)
        if let value { write(&self, value) }
    }

    mutating func optionalString(_ value: String?) { optional(value) { $0.string($1) } }

    mutating func optionalDouble(_ value: Double?) { optional(value) { $0.word($1.bitPattern) } }

    mutating func optionalInteger(_ value: Int64?) { optional(value) { $0.word(UInt64(bitPattern: $1)) } }

    mutating func strings(_ values: [String]) {
        withUnsafeBytes(of: UInt32(values.count).littleEndian) { bytes.append(contentsOf: $0) }
        for value in values { string(value) }
    }
}

/// Reads what `RecordWriter` wrote; every read answers nil past the end. Optionals come back
/// doubly wrapped: nil for a damaged record, `.some(nil)` for an absent value.
private struct RecordReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func word() -> UInt64? {
        guard bytes.count - offset >= 8 else { return nil }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func count() -> Int? {
        guard bytes.count - offset >= 4 else { return nil }
        defer { offset += 4 }
        return Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }

    mutating func string() -> String? {
        guard let length = count(), bytes.count - offset >= length else { return nil }
        defer { offset += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
    }

    /// A presence byte, then the value if there is one.
    private mutating func optional<Value>(_ read: (inout RecordReader) -> Value?) -> Value?? {
        guard let present = byte() else { return nil }
        guard present == 1 else { return .some(nil) }
        return read(&self).map { .some($0) }
    }

    mutating func optionalString() -> String?? { optional { $0.string() } }

    mutating func optionalDouble() -> Double?? { optional { $0.word().map(Double.init(bitPattern:)) } }

    mutating func optionalInteger() -> Int64?? { optional { $0.word().map(Int64.init(bitPattern:)) } }

    mutating func strings() -> [String]? {
        guard let total = count(), total <= bytes.count else { return nil }
        var values: [String] = []
        values.reserveCapacity(total)
        for _ in 0..<total {
            guard let value = string() else { return nil }
            values.append(value)
        }
        return values
    }
}
