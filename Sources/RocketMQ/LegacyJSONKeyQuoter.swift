/// Quotes bare integer object keys, as fastjson writes them in legacy route replies:
/// `{0:"127.0.0.1:10911"}` becomes `{"0":"127.0.0.1:10911"}`.
///
/// A small scanner, not a pattern replace: it tracks string literals (and their escapes), so text
/// inside a string such as `"a{0:b"` is never touched. Only a key directly after `{` or `,` and
/// directly before `:` (whitespace allowed) is quoted. Standard JSON passes through unchanged.
enum LegacyJSONKeyQuoter {
    /// Returns `json` with every bare integer key quoted.
    static func quoteIntegerKeys(_ json: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(json.count + 16)
        var index = 0
        var inString = false
        while index < json.count {
            let byte = json[index]
            if inString {
                output.append(byte)
                if byte == UInt8(ascii: "\\"), index + 1 < json.count {
                    output.append(json[index + 1])
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") { inString = false }
                index += 1
                continue
            }
            output.append(byte)
            index += 1
            if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: ",") {
                index = quoteKeyIfInteger(json, from: index, into: &output)
            }
        }
        return output
    }

    /// After a `{` or `,` at `start`: copies an integer key quoted and returns the index after it,
    /// or copies nothing and returns `start` when no bare integer key follows.
    private static func quoteKeyIfInteger(_ json: [UInt8], from start: Int, into output: inout [UInt8]) -> Int {
        var keyStart = start
        while keyStart < json.count, isWhitespace(json[keyStart]) { keyStart += 1 }
        var keyEnd = keyStart
        if keyEnd < json.count, json[keyEnd] == UInt8(ascii: "-") { keyEnd += 1 }
        let digitsStart = keyEnd
        while keyEnd < json.count, isDigit(json[keyEnd]) { keyEnd += 1 }
        guard keyEnd > digitsStart else { return start }
        var colon = keyEnd
        while colon < json.count, isWhitespace(json[colon]) { colon += 1 }
        guard colon < json.count, json[colon] == UInt8(ascii: ":") else { return start }
        output.append(contentsOf: json[start..<keyStart])
        output.append(UInt8(ascii: "\""))
        output.append(contentsOf: json[keyStart..<keyEnd])
        output.append(UInt8(ascii: "\""))
        return keyEnd
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\t")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
