import CKySkip
import KyTestSupport
import Testing

@testable import KyQuery

/// `replay --fast-skip`: containers skipped by their strings and brackets alone must end where
/// the checked reader says they end, at every instruction set, whatever the buffer.
@Suite("Unchecked skipping (replay --fast-skip)")
struct UncheckedSkipTests {
    /// Every implementation this CPU runs; the portable one is the reference for the others.
    static let levels = [KY_SKIP_LEVEL_PORTABLE, KY_SKIP_LEVEL_SSE2, KY_SKIP_LEVEL_AVX2, KY_SKIP_LEVEL_BEST].filter { ky_skip_level_available($0) != 0 }

    private func uncheckedLength(_ bytes: [UInt8], _ level: ky_skip_level) -> Int {
        bytes.withUnsafeBufferPointer { ky_skip_container_unchecked($0.baseAddress, $0.count, level) }
    }

    /// Where the checked reader says the value at `bytes[0]` ends; nil when it rejects it.
    private func checkedLength(_ bytes: ArraySlice<UInt8>) -> Int? {
        let reader = JSONReader(source: MemoryByteSource(Array(bytes)), documentName: "d", bufferSize: 1 << 16)
        do {
            try reader.skipValue()
            return reader.bytesConsumed
        } catch {
            return nil
        }
    }

    /// A container of the generator's values, followed by bytes that must not be taken for its end.
    private func container(_ random: inout SplitMix64) -> String {
        let members = (0..<(1 + random.below(12))).map { _ in GeneratedJSON.value(&random, depth: 1) }
        return random.below(2) == 0 ? "[" + members.joined(separator: ", ") + "]" : #"{"k": "# + members.joined(separator: #", "k": "#) + "}"
    }

    @Test("generated containers end where the checked reader says, at every instruction set; cut ones are incomplete")
    func generated() throws {
        #expect(Self.levels.count >= 2, "the SIMD implementations run here: \(Self.levels)")
        var random = SplitMix64(seed: 20_261_130)
        for round in 0..<3_000 {
            let text = container(&random)
            let bytes = Array((text + #", "next": ["]\"", {"#).utf8)
            let expected = try #require(checkedLength(bytes[...]), "round \(round): \(text)")
            #expect(expected == text.utf8.count)
            let cut = Array(bytes[..<random.below(expected)])
            for level in Self.levels {
                #expect(uncheckedLength(bytes, level) == expected, "round \(round), level \(level.rawValue): \(text)")
                #expect(uncheckedLength(cut, level) == KY_SKIP_INCOMPLETE, "round \(round), level \(level.rawValue), cut at \(cut.count)")
            }
        }
    }

    @Test("corrupted containers: every instruction set gives the same answer, and the checked end when the reader accepts")
    func corrupted() throws {
        var random = SplitMix64(seed: 20_261_131)
        var accepted = 0
        for round in 0..<3_000 {
            let bytes = GeneratedJSON.corrupt(container(&random), &random)
            guard bytes.first == UInt8(ascii: "[") || bytes.first == UInt8(ascii: "{") else { continue }
            let reference = uncheckedLength(bytes, KY_SKIP_LEVEL_PORTABLE)
            for level in Self.levels {
                #expect(uncheckedLength(bytes, level) == reference, "round \(round), level \(level.rawValue): \(String(decoding: bytes, as: UTF8.self))")
            }
            if let expected = checkedLength(bytes[...]) {
                accepted += 1
                #expect(reference == expected, "round \(round): \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(accepted > 300, "some corruptions leave valid JSON")
    }

    @Test("every container in every capture ends where the checked reader says")
    func captures() throws {
        var containers = 0
        for file in Captures.allResponseFiles {
            let parts = file.split(separator: "/").map(String.init)
            let bytes = try Captures.bytes(parts[0], parts[1])
            for start in bytes.indices where bytes[start] == UInt8(ascii: "{") || bytes[start] == UInt8(ascii: "[") {
                guard let expected = checkedLength(bytes[start...]) else { continue }
                containers += 1
                let tail = Array(bytes[start...])
                for level in Self.levels {
                    #expect(uncheckedLength(tail, level) == expected, "\(file) at byte \(start), level \(level.rawValue)")
                }
            }
        }
        #expect(containers > 1_000)
    }

    @Test("captures decode to the same snapshot skipped unchecked, whatever the buffer size", arguments: [16, 4096, 1 << 20])
    func captureSnapshots(bufferSize: Int) throws {
        for file in Captures.allResponseFiles {
            let parts = file.split(separator: "/").map(String.init)
            let document = [(name: file, bytes: try Captures.bytes(parts[0], parts[1]))]
            guard let checked = try? decodeDocuments(document, bufferSize: bufferSize) else { continue }
            #expect(try decodeDocuments(document, bufferSize: bufferSize, checksSkippedValues: false) == checked, "\(file)")
        }
    }

    /// Reads `{"v": <value>, "after": 1}`, skipping the value; nil when accepted, else the error.
    private func readSkipping(_ bytes: [UInt8], bufferSize: Int, checked: Bool, windowLimit: Int = 16 << 20, chunks: Int? = nil) -> JSONSyntaxError? {
        let source: any ByteSource = chunks.map { ChunkedByteSource(bytes, seed: UInt64($0)) } ?? MemoryByteSource(bytes)
        let reader = JSONReader(source: source, documentName: "d", bufferSize: bufferSize)
        reader.checksSkippedContainers = checked
        reader.uncheckedWindowLimit = windowLimit
        return syntaxError {
            try reader.beginObject()
            _ = try reader.nextKey()
            try reader.skipValue()
            _ = try reader.nextKey()
            _ = try reader.readNumber()
            _ = try reader.nextKey()
            try reader.finish()
        }
    }

    @Test("documents read in odd chunks: valid ones are accepted, cut ones fail as the checked reader says", arguments: [16, 100, 4096])
    func documents(bufferSize: Int) {
        var random = SplitMix64(seed: 20_261_132)
        for round in 0..<800 {
            let text = #"{"v": "# + container(&random) + #", "after": 1}"#
            let bytes = Array(text.utf8)
            #expect(readSkipping(bytes, bufferSize: bufferSize, checked: false, chunks: round) == nil, "round \(round): \(text)")
            let cut = Array(bytes[..<random.below(bytes.count)])
            let checkedError = readSkipping(cut, bufferSize: bufferSize, checked: true)
            #expect(checkedError != nil)
            #expect(readSkipping(cut, bufferSize: bufferSize, checked: false, chunks: round) == checkedError, "round \(round), cut at \(cut.count)")
        }
    }

    @Test("damage inside a skipped container goes unreported, unless the container is larger than the window")
    func window() throws {
        let damaged = #"{"v": [1, 2 3, "# + Array(repeating: "[4, 5]", count: 40).joined(separator: ", ") + #"], "after": 1}"#
        let bytes = Array(damaged.utf8)
        let checked = try #require(readSkipping(bytes, bufferSize: 16, checked: true))
        #expect(checked.message == "expected ',' or ']', found '3'")
        #expect(readSkipping(bytes, bufferSize: 16, checked: false) == nil)
        // The buffer may grow to 64 bytes only: the container does not fit, so it is checked.
        #expect(readSkipping(bytes, bufferSize: 16, checked: false, windowLimit: 64) == checked)
    }
}

/// Hands out a document in chunks of pseudo-random sizes, as a pipe or socket may.
private struct ChunkedByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    private var random: SplitMix64

    init(_ bytes: [UInt8], seed: UInt64) {
        self.bytes = bytes
        self.random = SplitMix64(seed: seed)
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset, 1 + random.below(37))
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
        }
        offset += count
        return count
    }
}
