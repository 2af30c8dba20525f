import Foundation
import Testing
@testable import KyQuery

/// The streaming decoder against the plain reference on every captured response.
@Suite("Streaming decoder agrees with the reference")
struct ReferenceComparisonTests {
    /// Response bodies that are ComfyUI documents kymon reads (not POST replies or error bodies).
    static let documents: [String] = Captures.allResponseFiles.filter { name in
        let file = name.split(separator: "/").last.map(String.init) ?? ""
        return !file.contains("post-") && !file.contains("prompt-") && !file.contains("system-stats") && !file.contains("features")
            && !file.contains("invalid-status") && !file.contains("unknown-id") && !file.hasPrefix("09-api-job-unknown")
            && !file.contains("api-job-deleted")
    }

    @Test("every captured document", arguments: documents)
    func agrees(name: String) throws {
        let parts = name.split(separator: "/").map(String.init)
        let bytes = try Captures.bytes(parts[0], parts[1])
        for bufferSize in [16, 4096, 1 << 20] {
            let snapshot = try decodeDocuments([(name, bytes)], bufferSize: bufferSize)
            try expectAgreement(snapshot, [Data(bytes)])
        }
    }

    @Test("the bundled fixtures together")
    func fixtures() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let queue = try Data(contentsOf: root.appendingPathComponent("Fixtures/queue.json"))
        let history = try Data(contentsOf: root.appendingPathComponent("Fixtures/history.json"))
        let snapshot = try decodeDocuments([("queue.json", Array(queue)), ("history.json", Array(history))])
        try expectAgreement(snapshot, [queue, history])
        #expect(snapshot.queue == QueueCounts(running: 0, pending: 1))
    }

    @Test("traceback depth is honoured", arguments: [0, 1, 2, 5])
    func tracebackDepth(depth: Int) throws {
        let bytes = try Captures.bytes("s09-final-snapshots", "01-history-all.json")
        let snapshot = try decodeDocuments([("h", bytes)], options: DecodeOptions(tracebackDepth: depth))
        try expectAgreement(snapshot, [Data(bytes)], tracebackDepth: depth)
    }

    /// Sorted-key JSON text, so numbers and nested values compare by value.
    private func canonical(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    private func expectAgreement(_ snapshot: Snapshot, _ documents: [Data], tracebackDepth: Int = 2) throws {
        let reference = try ReferenceDecoder.decode(documents, tracebackDepth: tracebackDepth)
        let ours = try JSONSerialization.jsonObject(with: Data(snapshot.jsonBytes)) as? [String: Any]
        let items = try #require(ours?["items"] as? [[String: Any]])
        #expect(items.count == reference.infos.count)
        for var item in items {
            let id = try #require(item["id"] as? String)
            var expected = try #require(reference.infos[id], "no reference info for \(id)")
            if let outputs = item["outputs"] as? [String] { item["outputs"] = outputs.sorted() }
            if let position = item.removeValue(forKey: "queue_position") { expected.removeValue(forKey: "queue_position"); _ = position }
            if expected["number"] is NSNull { expected.removeValue(forKey: "number") }
            #expect(try canonical(item) == canonical(expected), "\(id)")
        }
        #expect((ours?["queue"] != nil) == reference.sawQueue)
    }
}
