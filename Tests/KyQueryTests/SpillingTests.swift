import Foundation
import Testing
@testable import KyQuery

/// `replay` moves finished infos to a temporary file and writes its output one info at a time;
/// what it prints must not change.
@Suite("Spilled infos and streamed output equal the in-memory path")
struct SpillingTests {
    /// Every captured document, alone and all together, and the bundled fixtures.
    static let documentSets: [[String]] = ReferenceComparisonTests.documents.map { [$0] } + [ReferenceComparisonTests.documents]

    @Test("every capture: spilling after 0, 1 and 3 infos gives the same snapshot", arguments: documentSets.indices)
    func captures(set: Int) throws {
        let documents = try Self.documentSets[set].map { name in
            let parts = name.split(separator: "/").map(String.init)
            return (name: name, bytes: try Captures.bytes(parts[0], parts[1]))
        }
        let expected = try assemble(documents).snapshot(source: "test", generatedAt: 0)
        for threshold in [0, 1, 3] {
            let spilling = try assemble(documents, spillingAfter: threshold)
            #expect(spilling.count == expected.items.count)
            #expect(try spilling.snapshot(source: "test", generatedAt: 0) == expected)
            try expectStreamedOutput(of: spilling, equals: expected)
        }
    }

    @Test("a generated history with tied end times and numbers, and ids seen twice")
    func generated() throws {
        let history = Self.generatedHistory(entries: 1000)
        let queue = #"{"queue_running": [[7, "p-running", {}, {}, []]], "queue_pending": [[9, "p-b", {}, {}, []], [8, "p-a", {}, {}, []]]}"#
        let documents = [(name: "history", bytes: Array(history.utf8)), (name: "queue", bytes: Array(queue.utf8)), (name: "again", bytes: Array(history.utf8))]
        let expected = try assemble(documents).snapshot(source: "test", generatedAt: 0)
        #expect(expected.items.count == 1003)
        for threshold in [0, 100, 1024] {
            let spilling = try assemble(documents, spillingAfter: threshold)
            let snapshot = try spilling.snapshot(source: "test", generatedAt: 0)
            #expect(snapshot == expected)
            try expectStreamedOutput(of: spilling, equals: expected)
        }
        // The order really is decided by the ids where end time and number tie.
        let tied = expected.items.filter { $0.endTime == 1_700_000_000_000 && $0.number == 5 }.map(\.id)
        #expect(tied.count > 100)
        #expect(tied == tied.sorted(by: >))
    }

    @Test("statuses and limit apply to the streamed output as to the snapshot")
    func selection() throws {
        let documents = [(name: "history", bytes: Array(Self.generatedHistory(entries: 500).utf8))]
        let expected = try assemble(documents).snapshot(source: "test", generatedAt: 0)
        let spilling = try assemble(documents, spillingAfter: 10)
        for selection in [SnapshotSelection(statuses: [.failed]), SnapshotSelection(limit: 7), SnapshotSelection(statuses: [.completed, .interrupted], limit: 100)] {
            try expectStreamedOutput(of: spilling, equals: selection.apply(to: expected), selection: selection)
        }
    }

    @Test("a record keeps every field of an info")
    func recordRoundTrip() throws {
        var full = PromptInfo(
            id: "ä-ü 🙂", kind: .history, status: .failed, number: -1.5, queuePosition: 3, progress: 0.25,
            currentNode: NodeReference(id: "12", type: "KSampler"), nodeProgress: NodeProgress(value: 3, max: 20),
            expectedEndTime: 99, createTime: -7, startTime: 1, endTime: Int64.max,
            error: ErrorInfo(type: "ValueError", message: "bad\nvalue", traceback: ["a.py, line 1, in f", ""]), outputs: ["x/y.png", "z.png"])
        full.workflowKey = "w"
        let bare = PromptInfo(id: "", kind: .queue, status: .pending)
        var typeless = bare
        typeless.currentNode = NodeReference(id: "3")
        typeless.error = ErrorInfo()
        for info in [full, bare, typeless] {
            let record = info.record
            #expect(record.withUnsafeBytes { PromptInfo(record: $0) } == info)
            #expect(record.withUnsafeBytes { PromptInfo.id(ofRecord: $0) } == info.id)
            // A record cut anywhere, or with a byte too many, is refused rather than misread.
            for length in 0..<record.count {
                #expect(record.withUnsafeBytes { PromptInfo(record: UnsafeRawBufferPointer(rebasing: $0[0..<length])) } == nil)
            }
            #expect((record + [0]).withUnsafeBytes { PromptInfo(record: $0) } == nil)
        }
    }

    @Test("canonical lowercase UUIDs get a compact key; other ids keep their text")
    func promptKeys() {
        #expect(PromptKey("0f8fad5b-d9cb-469f-a165-70867728950e") == .uuid(0x0f8fad5bd9cb469f, 0xa16570867728950e))
        for id in ["0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8fad5b-d9cb-469f-a165-70867728950", "0f8fad5b-d9cb-469f-a165-70867728950e0", "0f8fad5bd9cb-469f-a165-70867728950e-", "", "p-1"] {
            #expect(PromptKey(id) == .text(id))
        }
    }

    /// Streams `assembler` as `json` and `jsonl` and compares with the formatter's whole output.
    private func expectStreamedOutput(of assembler: SnapshotAssembler, equals snapshot: Snapshot, selection: SnapshotSelection = SnapshotSelection()) throws {
        for format in [OutputFormat.json, .jsonl] {
            var streamed: [UInt8] = []
            try SnapshotFormatter.stream(assembler, source: snapshot.source, generatedAt: snapshot.generatedAt, asDocument: format == .json, selection: selection) {
                streamed += $0
            }
            let whole = SnapshotFormatter.format(snapshot, as: format, table: TableRenderer(width: 80))
            #expect(streamed == whole, "\(format)")
        }
    }

    /// A `/history` document: completed, failed and interrupted entries, many sharing an end time
    /// and a number, in no particular order of ids.
    static func generatedHistory(entries: Int) -> String {
        var parts: [String] = []
        var generator = SystemRandomNumberGenerator()
        for index in 0..<entries {
            let id = index % 3 == 0 ? UUID().uuidString.lowercased() : "p-\(UInt32.random(in: 0...UInt32.max, using: &generator))-\(index)"
            let tied = index % 4 == 0
            let end = tied ? 1_700_000_000_000 : 1_700_000_000_000 + Int64(index % 97) * 1000
            let number = tied ? 5 : index
            let messages: String
            switch index % 10 {
            case 0:
                messages = #"[["execution_start", {"prompt_id": "\#(id)", "timestamp": \#(end - 500)}], ["execution_error", {"prompt_id": "\#(id)", "node_id": "4", "node_type": "KSampler", "exception_message": "out of memory", "exception_type": "torch.OutOfMemoryError", "traceback": ["  File \"a.py\", line 1, in f\n", "  File \"b.py\", line 2, in g\n"], "timestamp": \#(end)}]]"#
            case 1:
                messages = #"[["execution_start", {"prompt_id": "\#(id)", "timestamp": \#(end - 500)}], ["execution_interrupted", {"prompt_id": "\#(id)", "node_id": "3", "node_type": "KSampler", "executed": [], "timestamp": \#(end)}]]"#
            default:
                messages = #"[["execution_start", {"prompt_id": "\#(id)", "timestamp": \#(end - 500)}], ["execution_success", {"prompt_id": "\#(id)", "timestamp": \#(end)}]]"#
            }
            let status = index % 10 == 0 ? "error" : index % 10 == 1 ? "error" : "success"
            let workflow = #"{"id": "w\#(index % 5)", "nodes": [{"id": 1, "pos": [1.5, -2.25], "widgets_values": ["a\"b\\c\u00e9", 7]}], "links": []}"#
            parts.append(
                #""\#(id)": {"prompt": [\#(number), "\#(id)", {"3": {"class_type": "KSampler", "inputs": {}}}, {"extra_pnginfo": {"workflow": \#(workflow)}}, ["9"]], "outputs": {"9": {"images": [{"filename": "i\#(index).png", "subfolder": "", "type": "output"}]}}, "status": {"status_str": "\#(status)", "completed": \#(status == "success"), "messages": \#(messages)}}"#
            )
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
