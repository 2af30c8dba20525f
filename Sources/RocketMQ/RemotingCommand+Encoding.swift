import NIOCore

extension RemotingCommand {
    /// The largest header the 24-bit header length can describe.
    static let maxHeaderBytes = 0xFF_FFFF

    /// The JSON header, keys in the order `code, language, version, opaque, flag, remark, extFields`.
    public func encodedHeader() -> [UInt8] {
        var json: [UInt8] = []
        json.reserveCapacity(96 + extFields.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        JSONText.appendRaw("{\"code\":\(code),\"language\":", to: &json)
        JSONText.appendQuoted(language, to: &json)
        JSONText.appendRaw(",\"version\":\(version),\"opaque\":\(opaque),\"flag\":\(flag)", to: &json)
        if let remark {
            JSONText.appendRaw(",\"remark\":", to: &json)
            JSONText.appendQuoted(remark, to: &json)
        }
        JSONText.appendRaw(",\"extFields\":{", to: &json)
        for (index, key) in extFields.keys.sorted().enumerated() {
            if index > 0 { JSONText.appendRaw(",", to: &json) }
            JSONText.appendQuoted(key, to: &json)
            JSONText.appendRaw(":", to: &json)
            JSONText.appendQuoted(extFields[key] ?? "", to: &json)
        }
        JSONText.appendRaw("}}", to: &json)
        return json
    }

    /// Appends the whole frame (length, serialize type and header length, header, body) to `buffer`.
    ///
    /// Throws ``RocketMQError/frameTooLarge(length:limit:)`` when the length field would exceed `maxFrameBytes`.
    public func encode(into buffer: inout ByteBuffer, maxFrameBytes: Int = RemotingCommand.defaultMaxFrameBytes) throws
    {
        let header = encodedHeader()
        let length = 4 + header.count + body.count
        let limit = min(maxFrameBytes, Int(Int32.max))
        guard header.count <= Self.maxHeaderBytes, length <= limit else {
            throw RocketMQError.frameTooLarge(length: length, limit: limit)
        }
        buffer.reserveCapacity(minimumWritableBytes: 4 + length)
        buffer.writeInteger(Int32(length), endianness: .big)
        buffer.writeInteger(UInt32(header.count), endianness: .big)  // serialize type 0 (JSON) in the top byte
        buffer.writeBytes(header)
        buffer.writeBytes(body)
    }

    /// The whole frame as bytes.
    public func encodedFrame(maxFrameBytes: Int = RemotingCommand.defaultMaxFrameBytes) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try encode(into: &buffer, maxFrameBytes: maxFrameBytes)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}
