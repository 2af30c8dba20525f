import KyTestSupport
import Testing

@testable import KyQuery

/// The fast container skipper against the general reader (`readValue`, token by token) on
/// generated documents and their corruptions: both must accept the same documents and reject the
/// others with the same message at the same line and column, whatever the buffer size.
@Suite("Skipping agrees with reading")
struct SkipperDifferentialTests {
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
            let text = #"{"v": "# + GeneratedJSON.value(&random, depth: 0) + #", "after": 1}"#
            let documents = [Array(text.utf8), GeneratedJSON.corrupt(text, &random)]
            for document in documents {
                let read = outcome(document, bufferSize: bufferSize, skipping: false)
                let skipped = outcome(document, bufferSize: bufferSize, skipping: true)
                // A number beyond a Double's range (1E+907) is valid JSON: skipping takes it,
                // only reading it as a number refuses it.
                if case .rejected(_, _, let message) = read, message.hasPrefix("number out of range"), skipped == .accepted { continue }
                #expect(read == skipped, "round \(round): \(String(decoding: document, as: UTF8.self))")
                if skipped == .accepted { accepted += 1 } else { rejected += 1 }
            }
        }
        #expect(accepted > 1_500 && rejected > 500, "both sides of the comparison are exercised")
    }
}
