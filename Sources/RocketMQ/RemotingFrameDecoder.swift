import NIOCore

/// Splits an inbound byte stream into ``RemotingCommand`` frames, rejecting oversized and malformed ones.
public struct RemotingFrameDecoder: NIOSingleStepByteToMessageDecoder {
    /// Each decoded frame.
    public typealias InboundOut = RemotingCommand

    /// The largest accepted length field value.
    public let maxFrameBytes: Int

    /// Creates a decoder that accepts frames up to `maxFrameBytes` (as counted by the length field).
    public init(maxFrameBytes: Int = RemotingCommand.defaultMaxFrameBytes) {
        self.maxFrameBytes = maxFrameBytes
    }

    /// Decodes the next whole frame, if the buffer holds one.
    public mutating func decode(buffer: inout ByteBuffer) throws -> RemotingCommand? {
        try RemotingCommand.decodeFrame(from: &buffer, maxFrameBytes: maxFrameBytes)
    }

    /// At end of input: decodes what whole frames remain; a partial frame is left for the handler to report.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RemotingCommand? {
        try decode(buffer: &buffer)
    }
}
