import Foundation
import KyTestSupport
import Testing
@testable import KyQuery

/// The hostile corpus (`Hostile/`): every document is refused at `file:line:column` with what was
/// expected there, the entries before the bad spot are kept, and nothing grows with the input.
@Suite("Hostile input corpus")
struct HostileInputTests {
    /// One corpus file and how kymon must refuse it.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var file: String
        var line: Int
        var column: Int
        var message: String
        /// Prompts decoded before the bad spot.
        var kept: Int

        init(_ file: String, _ line: Int, _ column: Int, _ message: String, kept: Int = 2) {
            self.file = file
            self.line = line
            self.column = column
            self.message = message
            self.kept = kept
        }

        var testDescription: String { file }
    }

    static let refusals: [Refusal] = [
        // Structure and wrong types at every level of a history entry.
        Refusal("history-truncated.json", 4, 124, "unexpected end of input inside a string; expected its closing '\"'"),
        Refusal("history-entry-array.json", 4, 43, "expected an object for the history entry 'cccccccc-0000-4000-8000-000000000003', found an array"),
        Refusal("history-entry-not-an-entry.json", 4, 44, "is not a history entry (expected a prompt, outputs or status member)"),
        Refusal("history-prompt-string.json", 4, 54, "expected an array for a queue item, found a string"),
        Refusal("history-number-string.json", 4, 55, "expected a number for the queue number (item[0]), found a string"),
        Refusal("history-prompt-id-object.json", 4, 58, "expected a string for the prompt_id (item[1]), found an object"),
        Refusal("history-create-time-string.json", 4, 269, "expected a number for extra_data.create_time, found a string"),
        Refusal("history-status-array.json", 4, 337, "expected an object for status, found an array"),
        Refusal("history-status-str-number.json", 4, 352, "expected a string for status.status_str, found a number"),
        Refusal("history-messages-object.json", 4, 375, "expected an array for status.messages, found an object"),
        Refusal("history-message-string.json", 4, 376, "expected an array for a status message [name, payload], found a string"),
        Refusal("history-message-name-number.json", 4, 377, "expected a string for the message name, found a number"),
        Refusal("history-timestamp-string.json", 4, 385, "expected a number for execution_start.timestamp, found a string"),
        Refusal("history-node-id-boolean.json", 4, 583, "expected a string for execution_error.node_id, found a boolean"),
        Refusal("history-exception-message-number.json", 4, 669, "expected a string for execution_error.exception_message, found a number"),
        Refusal("history-traceback-string.json", 4, 690, "expected an array for execution_error.traceback, found a string"),
        Refusal("history-trailing-garbage.json", 6, 1, "expected end of input after the top-level value, found '}'", kept: 3),
        Refusal("history-malformed-number.json", 4, 55, "malformed number; expected digits"),
        // Huge numbers where a number is read.
        Refusal("history-timestamp-1e999999.json", 4, 385, "number out of range for execution_start.timestamp; expected one within ±1.8e308"),
        Refusal("history-timestamp-1e300.json", 4, 387, "timestamp out of range for execution_success.timestamp; expected milliseconds"),
        Refusal("history-timestamp-10000-digits.json", 4, 387, "number longer than 4096 characters; expected at most 4096"),
        // Nesting, text encoding, escapes and NUL bytes.
        Refusal("history-nesting-10000.json", 4, 659, "nesting deeper than 512 levels; expected at most 512"),
        Refusal("history-invalid-utf8-skipped.json", 4, 155, "invalid UTF-8 inside a string; expected UTF-8 text"),
        Refusal("history-invalid-utf8-kept.json", 4, 675, "invalid UTF-8 inside a string; expected UTF-8 text"),
        Refusal("history-overlong-utf8-key.json", 4, 4, "invalid UTF-8 inside a string; expected UTF-8 text"),
        Refusal("history-lone-high-surrogate.json", 4, 674, "lone high surrogate \\ud83d; expected a low surrogate"),
        Refusal("history-lone-low-surrogate.json", 4, 154, "lone low surrogate \\udc00; expected a high surrogate"),
        Refusal("history-invalid-escape.json", 4, 154, "invalid escape '\\U' inside a string; expected one of"),
        Refusal("history-control-character.json", 4, 357, "control character byte 0x9 inside a string; expected it escaped, as \\u0009"),
        Refusal("history-nul-in-string.json", 4, 357, "control character byte 0x0 inside a string; expected it escaped, as \\u0000"),
        Refusal("history-nul-between-members.json", 3, 694, "expected a string key, found byte 0x0"),
        Refusal("history-bom.json", 1, 1, "unexpected byte order mark; expected a value", kept: 0),
        Refusal("history-utf16.json", 1, 1, "expected a value, found byte 0xFF", kept: 0),
        // Queues.
        Refusal("queue-truncated.json", 5, 71, "unexpected end of input inside a string"),
        Refusal("queue-pending-object.json", 4, 21, "expected an array for queue_pending, found an object"),
        Refusal("queue-item-object.json", 5, 3, "expected an array for a queue item, found an object"),
        Refusal("queue-item-empty.json", 5, 5, "empty queue item; expected [number, prompt_id, ...]"),
        Refusal("queue-item-one-element.json", 5, 6, "queue item ends before its prompt_id (item[1]); expected [number, prompt_id, ...]"),
        Refusal("queue-number-1e999999.json", 5, 4, "number out of range for the queue number (item[0]); expected one within"),
        Refusal("queue-number-10000-digits.json", 5, 4, "number longer than 4096 characters"),
        Refusal("queue-prompt-id-null.json", 5, 7, "expected a string for the prompt_id (item[1]), found null"),
        Refusal("queue-create-time-boolean.json", 5, 67, "expected a number for extra_data.create_time, found a boolean"),
        Refusal("queue-nesting-10000.json", 5, 608, "nesting deeper than 512 levels"),
        // Jobs.
        Refusal("jobs-truncated.json", 4, 66, "unexpected end of input inside a string"),
        Refusal("jobs-list-object.json", 1, 39, "expected an array for jobs, found an object", kept: 0),
        Refusal("jobs-item-string.json", 4, 3, "expected an object for a job, found a string"),
        Refusal("jobs-id-boolean.json", 4, 10, "expected a string for job.id, found a boolean"),
        Refusal("jobs-status-number.json", 4, 60, "expected a string for job.status, found a number"),
        Refusal("jobs-priority-string.json", 4, 85, "expected a number for job.priority, found a string"),
        Refusal("jobs-create-time-1e999999.json", 4, 103, "number out of range for job.create_time"),
        Refusal("jobs-end-time-array.json", 4, 179, "expected a number for job.execution_end_time, found an array"),
        Refusal("jobs-execution-error-string.json", 4, 210, "expected an object for job.execution_error, found a string"),
        Refusal("jobs-without-id.json", 4, 289, "job without an id; expected an \"id\" member"),
        // Not a document at all.
        Refusal("empty.json", 1, 1, "unexpected end of input; expected a value", kept: 0),
        Refusal("top-array.json", 1, 1, "expected an object (a ComfyUI queue, history or jobs document), found an array", kept: 0),
        Refusal("top-null.json", 1, 1, "expected an object (a ComfyUI queue, history or jobs document), found null", kept: 0),
        Refusal("html.json", 1, 1, "expected a value, found '<' (an HTML or XML page, not JSON)", kept: 0),
    ]

    static var directory: URL {
        guard let url = Bundle.module.url(forResource: "Hostile", withExtension: nil) else {
            preconditionFailure("the Hostile resource folder is missing from the test bundle")
        }
        return url
    }

    /// Reads `path` as `kymon replay` does, returning the error and how many prompts were kept.
    private func replay(_ path: String) -> (error: (any Error)?, kept: Int) {
        var assembler = SnapshotAssembler()
        do {
            try FileSource.read(path: path, into: &assembler, options: DecodeOptions())
            return (nil, assembler.count)
        } catch {
            return (error, assembler.count)
        }
    }

    @Test("each document is refused at file:line:column saying what was expected; the entries before it are kept", arguments: refusals)
    func refused(_ refusal: Refusal) throws {
        let path = Self.directory.appendingPathComponent(refusal.file).path
        let (error, kept) = replay(path)
        let located = try #require(error as? JSONSyntaxError, "\(refusal.file): \(String(describing: error))")
        #expect(located.description == "\(path):\(located.line):\(located.column): \(located.message)")
        #expect((located.line, located.column) == (refusal.line, refusal.column), "\(located)")
        #expect(located.message.contains(refusal.message), "\(located)")
        #expect(located.message.contains("expected"), "\(located)")
        #expect(kept == refusal.kept, "\(refusal.file)")
    }

    @Test("the spot is the same when the reader's buffer is cut every 16 bytes", arguments: refusals)
    func smallBuffer(_ refusal: Refusal) throws {
        let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(refusal.file)))
        var assembler = SnapshotAssembler()
        let reader = JSONReader(source: MemoryByteSource(bytes), documentName: refusal.file, bufferSize: 16)
        let error = #expect(throws: JSONSyntaxError.self) { try DocumentDecoder.decode(from: reader, into: &assembler) }
        #expect(error?.line == refusal.line && error?.column == refusal.column, "\(String(describing: error))")
        #expect(assembler.count == refusal.kept)
    }

    @Test("every corpus document is covered by a test")
    func corpusCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".json") }
        let covered = Set(Self.refusals.map(\.file)).union(["accepted-duplicate-keys.json"])
        #expect(Set(files) == covered)
    }

    @Test("a repeated key is accepted and the later one wins, for entries and for their members")
    func duplicateKeys() throws {
        let path = Self.directory.appendingPathComponent("accepted-duplicate-keys.json").path
        var assembler = SnapshotAssembler()
        try FileSource.read(path: path, into: &assembler, options: DecodeOptions())
        let items = try assembler.snapshot(source: "t", generatedAt: 0).items
        #expect(items.count == 1)
        let item = try #require(items.first)
        // The first entry failed; the second repeats status_str, outputs and messages, each pair's
        // first one saying "failed" or naming first.png: only the later of each pair counts.
        #expect(item.status == .completed)
        #expect(item.outputs == ["a.png"])
        #expect(item.startTime == 1_764_437_174_730)
    }
}

/// Inputs too big to commit, made in a temporary folder: a 100 MB string and deeper nesting.
@Suite("Huge hostile input")
struct HugeHostileInputTests {
    /// Writes `parts` to a fresh temporary file, streaming `count` copies of `fill` in the middle.
    static func write(_ prefix: String, fill: UInt8, count: Int, _ suffix: [UInt8]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-huge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("huge.json").path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(prefix.utf8))
        let chunk = Data(repeating: fill, count: 1 << 20)
        var left = count
        while left > 0 {
            try handle.write(contentsOf: left >= chunk.count ? chunk : chunk.prefix(left))
            left -= chunk.count
        }
        try handle.write(contentsOf: Data(suffix))
        return path
    }

    static let goodEntry = #""a": {"prompt": [1, "a", {}, {}, []], "status": {"status_str": "success", "messages": []}}"#

    @Test("a 100 MB exception message is cut to the message limit; a 100 MB string with a NUL is refused at its byte column", .enabled(if: heavyTestsEnabled))
    func hundredMegabyteString() async throws {
        let size = 100 << 20
        let message = try await offPool { () -> String? in
            let path = try Self.write("{\(Self.goodEntry),\n\"b\": {\"status\": {\"messages\": [[\"execution_error\", {\"exception_message\": \"", fill: UInt8(ascii: "m"), count: size, Array("\"}]]}}}\n".utf8))
            defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
            var assembler = SnapshotAssembler()
            try FileSource.read(path: path, into: &assembler, options: DecodeOptions())
            return try assembler.snapshot(source: "t", generatedAt: 0).items.first { $0.id == "b" }?.error?.message
        }
        #expect(message?.count == 500)

        let prefix = "{\(Self.goodEntry),\n\"b\": {\"prompt\": [2, \"b\", {\"1\": {\"inputs\": {\"text\": \""
        let (error, kept) = try await offPool { () -> (JSONSyntaxError?, Int) in
            let path = try Self.write(prefix, fill: UInt8(ascii: "x"), count: size, [0x00] + Array("\"}}}]}}\n".utf8))
            defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
            var assembler = SnapshotAssembler()
            do {
                try FileSource.read(path: path, into: &assembler, options: DecodeOptions())
                return (nil, assembler.count)
            } catch {
                return (error as? JSONSyntaxError, assembler.count)
            }
        }
        let column = prefix.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).last!.count + size + 1
        #expect(error?.line == 2)
        #expect(error?.column == column)
        #expect(error?.message.contains("control character byte 0x0 inside a string") == true)
        #expect(kept == 1)
    }

    @Test("1,000,000 levels of nesting are refused at level 513 without recursion")
    func millionLevels() throws {
        let path = try Self.write("{\(Self.goodEntry), \"b\": {\"prompt\": [2, \"b\", {\"1\": {\"inputs\": {\"x\": ", fill: UInt8(ascii: "["), count: 1_000_000, [])
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        var assembler = SnapshotAssembler()
        let error = #expect(throws: JSONSyntaxError.self) { try FileSource.read(path: path, into: &assembler, options: DecodeOptions()) }
        #expect(error?.message.contains("nesting deeper than 512 levels") == true)
        #expect(assembler.count == 1)
    }
}
