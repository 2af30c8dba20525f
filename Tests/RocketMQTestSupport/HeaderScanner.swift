/// Finds the byte range of a top-level value in a JSON object without re-serialising it.
struct HeaderScanner {
    private let json: [UInt8]

    init(_ json: [UInt8]) {
        self.json = json
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\t")
    }

    /// The range of the value of `key` at depth one, or `nil` if the object has no such key.
    func rangeOfTopLevelValue(forKey key: [UInt8]) throws -> Range<Int>? {
        var index = skipWhitespace(from: 0)
        guard index < json.count, json[index] == UInt8(ascii: "{") else { throw CapturedFrameError.notAnObject }
        index += 1
        while true {
            index = skipWhitespace(from: index)
            guard index < json.count else { throw CapturedFrameError.notAnObject }
            if json[index] == UInt8(ascii: "}") { return nil }
            guard json[index] == UInt8(ascii: "\"") else { throw CapturedFrameError.notAnObject }
            let keyEnd = endOfString(from: index)
            let name = Array(json[(index + 1)..<(keyEnd - 1)])
            index = skipWhitespace(from: keyEnd)
            guard index < json.count, json[index] == UInt8(ascii: ":") else { throw CapturedFrameError.notAnObject }
            let valueStart = skipWhitespace(from: index + 1)
            let valueEnd = endOfValue(from: valueStart)
            if name == key { return valueStart..<valueEnd }
            index = skipWhitespace(from: valueEnd)
            if index < json.count, json[index] == UInt8(ascii: ",") { index += 1 }
        }
    }

    private func skipWhitespace(from start: Int) -> Int {
        var index = start
        while index < json.count, Self.isWhitespace(json[index]) { index += 1 }
        return index
    }

    /// The index after the closing quote of the string starting at `start`.
    private func endOfString(from start: Int) -> Int {
        var index = start + 1
        while index < json.count {
            if json[index] == UInt8(ascii: "\\") {
                index += 2
            } else if json[index] == UInt8(ascii: "\"") {
                return index + 1
            } else {
                index += 1
            }
        }
        return json.count
    }

    /// The index after the value (string, object, array or scalar) starting at `start`.
    private func endOfValue(from start: Int) -> Int {
        guard start < json.count else { return start }
        switch json[start] {
        case UInt8(ascii: "\""):
            return endOfString(from: start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < json.count {
                switch json[index] {
                case UInt8(ascii: "\""):
                    index = endOfString(from: index)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return json.count
        default:
            var index = start
            while index < json.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(json[index]),
                !Self.isWhitespace(json[index])
            {
                index += 1
            }
            return index
        }
    }
}
