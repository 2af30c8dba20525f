/// A captured remoting frame split into its header JSON text and body, so that single values can be
/// patched while every other byte stays as captured; ``bytes`` re-frames it with fresh lengths.
public struct CapturedFrame: Sendable, Equatable {
    /// The high byte of the header length word (0 = JSON).
    public var serializeType: UInt8
    /// The header JSON exactly as captured (or patched).
    public var header: [UInt8]
    /// The body exactly as captured (or patched).
    public var body: [UInt8]

    /// Splits a whole frame, starting at its length field.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 8 else { throw CapturedFrameError.truncated(length: bytes.count) }
        let length = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let word = bytes[4..<8].reduce(0) { $0 << 8 | Int($1) }
        let headerLength = word & 0xFF_FFFF
        guard length + 4 == bytes.count, headerLength + 8 <= bytes.count else {
            throw CapturedFrameError.truncated(length: bytes.count)
        }
        serializeType = UInt8(word >> 24)
        header = Array(bytes[8..<(8 + headerLength)])
        body = Array(bytes[(8 + headerLength)...])
    }

    /// The whole frame: length, serialize type and header length, header, body.
    public var bytes: [UInt8] {
        let length = 4 + header.count + body.count
        let word = Int(serializeType) << 24 | header.count
        var output: [UInt8] = []
        output.reserveCapacity(4 + length)
        for shift in stride(from: 24, through: 0, by: -8) { output.append(UInt8(truncatingIfNeeded: length >> shift)) }
        for shift in stride(from: 24, through: 0, by: -8) { output.append(UInt8(truncatingIfNeeded: word >> shift)) }
        output += header
        output += body
        return output
    }

    /// The frame with `"opaque"` set to `opaque`.
    public func withOpaque(_ opaque: Int32) throws -> CapturedFrame {
        try settingHeaderValue("opaque", json: String(opaque))
    }

    /// The frame with the top-level header key `key` set to the JSON literal `json`, added if absent.
    public func settingHeaderValue(_ key: String, json: String) throws -> CapturedFrame {
        var copy = self
        let literal = Array(json.utf8)
        if let range = try HeaderScanner(header).rangeOfTopLevelValue(forKey: Array(key.utf8)) {
            copy.header.replaceSubrange(range, with: literal)
        } else {
            guard let brace = header.firstIndex(of: UInt8(ascii: "{")) else { throw CapturedFrameError.notAnObject }
            let isEmpty = header[(brace + 1)...].first(where: { !HeaderScanner.isWhitespace($0) }) == UInt8(ascii: "}")
            let member = Array("\"\(key)\":".utf8) + literal + (isEmpty ? [] : [UInt8(ascii: ",")])
            copy.header.insert(contentsOf: member, at: brace + 1)
        }
        return copy
    }

    /// The frame with the header's `"remark"` set to `remark`.
    public func withRemark(_ remark: String) throws -> CapturedFrame {
        try settingHeaderValue("remark", json: Self.quoted(remark))
    }

    /// The frame with every `old` in the body replaced by `new`, such as a broker address.
    public func replacingInBody(_ old: String, with new: String) -> CapturedFrame {
        var copy = self
        let oldBytes = Array(old.utf8)
        let newBytes = Array(new.utf8)
        guard !oldBytes.isEmpty else { return copy }
        var output: [UInt8] = []
        var index = 0
        while index < body.count {
            if index + oldBytes.count <= body.count, body[index..<(index + oldBytes.count)].elementsEqual(oldBytes) {
                output += newBytes
                index += oldBytes.count
            } else {
                output.append(body[index])
                index += 1
            }
        }
        copy.body = output
        return copy
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
