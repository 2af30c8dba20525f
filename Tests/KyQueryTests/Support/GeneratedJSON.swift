import KyTestSupport

/// Random JSON texts for the skipper tests, and corruptions of them.
enum GeneratedJSON {
    /// String contents (JSON-escaped): escapes, multibyte text, brackets and quotes inside
    /// strings, and backslash runs long enough to cross a 64-byte block.
    static let strings = [
        "", "a", "KSampler", "x\\\"y", "tab\\tnew\\nline", "\\u00e9t\\u00e9", "é", "😀 emoji", "\\ud83d\\ude00",
        "long " + String(repeating: "abcdefgh", count: 9), "[{\\\"}]", "\\\\", "\\\\\\\"]", String(repeating: "\\\\", count: 40) + "\\\"",
    ]
    static let numbers = ["0", "-1", "42", "3.25", "-0.5e-3", "1E+9", "12345678901234", "7"]
    static let spaces = ["", " ", "\n", "  \t"]

    /// A value; containers nest up to about five deep.
    static func value(_ random: inout SplitMix64, depth: Int) -> String {
        let space = spaces[random.below(spaces.count)]
        switch depth > 4 ? random.below(4) : random.below(7) {
        case 0: return "\"" + strings[random.below(strings.count)] + "\""
        case 1: return numbers[random.below(numbers.count)]
        case 2: return ["true", "false", "null"][random.below(3)]
        case 3: return random.below(2) == 0 ? "[]" : "{}"
        case 4, 5:
            let count = random.below(5)
            let members = (0..<count).map { _ in "\"" + strings[random.below(4)] + "\"" + space + ":" + space + value(&random, depth: depth + 1) }
            return "{" + space + members.joined(separator: "," + space) + space + "}"
        default:
            let count = random.below(6)
            return "[" + (0..<count).map { _ in value(&random, depth: depth + 1) }.joined(separator: "," + space) + "]"
        }
    }

    /// A corruption of `text`: truncated, a byte replaced, or a structural byte inserted.
    static func corrupt(_ text: String, _ random: inout SplitMix64) -> [UInt8] {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return [UInt8(ascii: "]")] }
        let index = random.below(bytes.count)
        let noise: [UInt8] = Array("{}[],:\"\\ 0-.etx\u{1}".utf8) + [0xFF, 0xC3]
        switch random.below(3) {
        case 0: bytes.removeSubrange(index...)
        case 1: bytes[index] = noise[random.below(noise.count)]
        default: bytes.insert(noise[random.below(noise.count)], at: index)
        }
        return bytes
    }
}
