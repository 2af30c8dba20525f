/// One reply from redis, copied out of hiredis's reply object so no C memory outlives the call.
enum RedisReply: Sendable, Equatable {
    /// A bulk string, byte for byte.
    case string([UInt8])
    /// A status line such as `OK` or `PONG`.
    case status(String)
    case integer(Int64)
    /// A null bulk string or array.
    case null
    case array([RedisReply])
    /// An error nested inside an array; an error at the top is thrown as ``RedisError`` instead.
    case error(String)

    /// The bytes of a bulk string, or `nil` for other replies.
    var bytes: [UInt8]? {
        if case .string(let bytes) = self { return bytes }
        return nil
    }

    /// The text of a bulk string or status, or `nil` for other replies.
    var text: String? {
        switch self {
        case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let status): return status
        default: return nil
        }
    }

    /// A short description for errors: the kind and, for small values, the value.
    var summary: String {
        switch self {
        case .string(let bytes): return "a bulk string of \(bytes.count) bytes"
        case .status(let status): return "status '\(status)'"
        case .integer(let value): return "integer \(value)"
        case .null: return "null"
        case .array(let elements): return "an array of \(elements.count) elements"
        case .error(let message): return "error '\(message)'"
        }
    }
}
