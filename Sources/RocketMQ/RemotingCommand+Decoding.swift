import NIOCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension RemotingCommand {
    /// Serialize type 0: the header is JSON.
    static let jsonSerializeType: UInt8 = 0
    /// Serialize type 1: RocketMQ's own binary header, which this client does not speak.
    static let rocketMQSerializeType: UInt8 = 1

    /// Decodes one frame from the front of `buffer` when it is complete, else returns `nil` and consumes nothing.
    ///
    /// The length field is checked against `maxFrameBytes` (which counts the bytes after the length field)
    /// as soon as it arrives, before the rest of the frame is awaited. Invalid input throws
    /// ``RocketMQError`` (`frameTooLarge` or `malformedFrame`); it never traps.
    public static func decodeFrame(
        from buffer: inout ByteBuffer,
        maxFrameBytes: Int = RemotingCommand.defaultMaxFrameBytes
    ) throws -> RemotingCommand? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
            return nil
        }
        guard length >= 4 else {
            throw RocketMQError.malformedFrame("frame length \(length) is smaller than the 4-byte header length field")
        }
        guard Int(length) <= maxFrameBytes else {
            throw RocketMQError.frameTooLarge(length: Int(length), limit: maxFrameBytes)
        }
        guard buffer.readableBytes >= 4 + Int(length) else {
            return nil
        }
        buffer.moveReaderIndex(forwardBy: 4)
        guard var frame = buffer.readSlice(length: Int(length)) else {
            return nil
        }
        return try decodeFrameContent(&frame, length: Int(length))
    }

    /// Decodes exactly one whole frame (starting at the length field) from `bytes`.
    public init(frame bytes: [UInt8], maxFrameBytes: Int = RemotingCommand.defaultMaxFrameBytes) throws {
        var buffer = ByteBuffer(bytes: bytes)
        guard let command = try Self.decodeFrame(from: &buffer, maxFrameBytes: maxFrameBytes) else {
            throw RocketMQError.malformedFrame("frame is truncated: \(bytes.count) bytes")
        }
        guard buffer.readableBytes == 0 else {
            throw RocketMQError.malformedFrame("\(buffer.readableBytes) bytes follow the frame")
        }
        self = command
    }

    /// Decodes the part after the length field: header word, header JSON and body.
    private static func decodeFrameContent(_ frame: inout ByteBuffer, length: Int) throws -> RemotingCommand {
        guard let word = frame.readInteger(endianness: .big, as: UInt32.self) else {
            throw RocketMQError.malformedFrame("frame of \(length) bytes has no header length")
        }
        let serializeType = UInt8(truncatingIfNeeded: word >> 24)
        let headerLength = Int(word & 0xFF_FFFF)
        guard headerLength <= length - 4 else {
            throw RocketMQError.malformedFrame(
                "header length \(headerLength) exceeds the frame length \(length) minus 4")
        }
        guard serializeType == jsonSerializeType else {
            if serializeType == rocketMQSerializeType {
                throw RocketMQError.malformedFrame("serialize type 1 (rocketmq binary) is not supported, only json (0)")
            }
            throw RocketMQError.malformedFrame("unknown serialize type \(serializeType)")
        }
        guard let header = frame.readBytes(length: headerLength),
            let body = frame.readBytes(length: frame.readableBytes)
        else {
            throw RocketMQError.malformedFrame("frame of \(length) bytes is shorter than its header")
        }
        return try RemotingCommand(headerJSON: header, body: body)
    }

    /// Builds a command from header JSON bytes and a body.
    init(headerJSON: [UInt8], body: [UInt8]) throws {
        let header: RemotingHeaderJSON
        do {
            header = try JSONDecoder().decode(RemotingHeaderJSON.self, from: Data(headerJSON))
        } catch let error as DecodingError {
            throw RocketMQError.malformedFrame("invalid header json: \(Self.summary(of: error))")
        } catch {
            throw RocketMQError.malformedFrame("invalid header json")
        }
        self.init(
            code: header.code,
            language: header.language ?? "",
            version: header.version ?? 0,
            opaque: header.opaque ?? 0,
            flag: header.flag ?? 0,
            remark: header.remark,
            extFields: header.extFields,
            body: body
        )
    }

    /// A short, lower-case account of a JSON decoding failure that names the key path.
    static func summary(of error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : " at '\(keys)'"
        }
        switch error {
        case .typeMismatch(_, let context): return "wrong value type\(path(context))"
        case .valueNotFound(_, let context): return "missing value\(path(context))"
        case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)'\(path(context))"
        case .dataCorrupted(let context): return "not valid json\(path(context))"
        @unknown default: return "undecodable"
        }
    }
}
