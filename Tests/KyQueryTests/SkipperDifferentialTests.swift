import KyTestSupport
import Testing

@testable import KyQuery

/// The fast container skipper against the general reader (`readValue`, token by token) on
/// generated documents and their corruptions: both must accept the same documents and reject the
/// others with the same message at the same line and column, whatever the buffer size.
@Suite("Skipping agrees with reading")
struct SkipperDifferentialTests {
    private static let strings = [
        "", "a", "KSampler", "x\\\"y", "tab\\tnew\\nline", "\\u00e9t\\u00e9", "é", "😀 emoji", "\\ud83d\\ude00", "long " + String(repeating: "abcdefgh", count: 9),
    ]
    private static let numbers = ["0", "-1", "42", "3.25", "-0.5e-3", "1E+9", "12345678901234", "7"]
    private static let spaces = ["", " ", "\n", "  \t"]

    private func value(_ random: inout SplitMix64, depth: Int) -> String {
        let space = Self.spaces[random.below(Self.spaces.count)]
        switch depth > 4 ? random.below(4) : random.below(7) {
        case 0: return "\"" + Self.strings[random.below(Self.strings.count)] + "\""
        case 1: return Self.numbers[random.below(Self.numbers.count)]
        case 2: return ["true", "false", "null"][random.below(3)]
        case 3: return random.below(2) == 0 ? "[]" : "{}"
        case 4, 5:
            let count = random.below(5)
            let members = (0..<count).map { _ in "\"" + Self.strings[random.below(4)] + "\"" + space + ":" + space + value(&random, depth: depth + 1) }
            return "{" + space + members.joined(separator: "," + space) + space + "}"
        default:
            let count = random.below(6)
            return "[" + (0..<count).map { _ in value(&random, depth: depth + 1) }.joined(separator: "," + space) + "]"
        }
    }

    /// A corruption of `text`: truncated, a byte replaced, or a structural byte inserted.
    private func corrupt(_ text: String, _ random: inout SplitMix64) -> [UInt8] {
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

    private enum Outcome: Equatable {
        case accepted
        case rejected(line: Int, column: Int, message: String)
    }

    private func outcome(_ bytes: [UInt8], bufferSize: Int, skipping: Bool) -> Outcome {
        let reader = JSONReader(source: MemoryByteSource(bytes), documentName: "d", bufferSize: bufferSize)
        do {
            try reader.beginObject()
            guard try reader.nextKey() == "v" else { return .rejected(line: 0, column: 0, message: "no key") }
            if skipping { try reader.skipValue() } else { _ = try reader.readValue() }
            guard try reader.nextKey() == "after" else { return .rejected(line: 0, column: 0, message: "no after") }
            _ = try reader.readNumber()
            guard try reader.nextKey() == nil else { return .rejected(line: 0, column: 0, message: "extra") }
            try reader.finish()
            return .accepted
        } catch let error as JSONSyntaxError {
            return .rejected(line: error.line, column: error.column, message: error.message)
        } catch {
            return .rejected(line: -1, column: -1, message: "\(error)")
        }
    }

    @Test("generated documents and their corruptions", arguments: [16, 23, 1 << 20])
    func agrees(bufferSize: Int) {
        var random = SplitMix64(seed: 20_261_129)
        var accepted = 0
        var rejected = 0
        for round in 0..<1_500 {
            let text = #"{"v": "# + value(&random, depth: 0) + #", "after": 1}"#
            let documents = [Array(text.utf8), corrupt(text, &random)]
            for document in documents {
                let read = outcome(document, bufferSize: bufferSize, skipping: false)
                let skipped = outcome(document, bufferSize: bufferSize, skipping: true)
                #expect(read == skipped, "round \(round): \(String(decoding: document, as: UTF8.self))")
                if skipped == .accepted { accepted += 1 } else { rejected += 1 }
            }
        }
        #expect(accepted > 1_500 && rejected > 500, "both sides of the comparison are exercised")
    }
}
