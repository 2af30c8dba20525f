/// What a fake server does with one request.
public enum FakeResponse: Sendable, Equatable {
    /// Write these frame bytes.
    case frame([UInt8])
    /// Never answer.
    case hang
    /// Close the connection without answering.
    case close
    /// Write the first half of these frame bytes, then close the connection.
    case closeMidFrame([UInt8])
}
