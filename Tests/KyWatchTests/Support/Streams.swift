import Foundation
import KyQuery

/// Recorded ComfyUI 0.8 WebSocket streams and HTTP answers (see Streams/PROVENANCE.md).
enum Streams {
    /// One frame a capture observer received.
    struct Frame {
        /// Client clock, Unix seconds.
        var receivedAt: Double
        /// The text exactly as received.
        var text: String
        var type: String
    }

    /// A mark of the scenario driver (`submitted`, `deleted`, ...).
    struct Mark {
        var at: Double
        var event: String
        var promptID: String?
    }

    static var directory: URL {
        guard let url = Bundle.module.url(forResource: "Streams", withExtension: nil) else {
            preconditionFailure("the Streams resource folder is missing from the test bundle")
        }
        return url
    }

    static func bytes(_ scenario: String, _ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(scenario).appendingPathComponent(file)))
    }

    /// The text frames of `ws-<observer>.jsonl`, in order.
    static func frames(_ scenario: String, observer: String = "submitter") throws -> [Frame] {
        try lines(scenario, "ws-\(observer).jsonl").compactMap { line in
            guard line["kind"] as? String == "text", let raw = line["raw"] as? String, let at = line["recv_ts"] as? Double else { return nil }
            return Frame(receivedAt: at, text: raw, type: line["type"] as? String ?? "")
        }
    }

    /// `timeline.jsonl`.
    static func marks(_ scenario: String) throws -> [Mark] {
        try lines(scenario, "timeline.jsonl").compactMap { line in
            guard let at = line["t"] as? Double, let event = line["event"] as? String else { return nil }
            return Mark(at: at, event: event, promptID: line["prompt_id"] as? String)
        }
    }

    /// Decodes a captured `/queue` answer.
    static func queue(_ scenario: String, _ file: String) throws -> LiveSource.QueueView {
        var assembler = SnapshotAssembler()
        let reader = JSONReader(bytes: try bytes(scenario, "http/" + file), documentName: file)
        try DocumentDecoder.decode(from: reader, into: &assembler)
        return LiveSource.QueueView(items: try assembler.snapshot(source: "", generatedAt: 0).items, graphs: assembler.graphs)
    }

    /// Decodes a captured history answer into its finished infos.
    static func history(_ scenario: String, _ file: String) throws -> [PromptInfo] {
        var assembler = SnapshotAssembler()
        let reader = JSONReader(bytes: try bytes(scenario, "http/" + file), documentName: file)
        try DocumentDecoder.decode(from: reader, into: &assembler)
        return try assembler.snapshot(source: "", generatedAt: 0).items
    }

    private static func lines(_ scenario: String, _ file: String) throws -> [[String: Any]] {
        let text = String(decoding: try bytes(scenario, file), as: UTF8.self)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return [:] }
            return object
        }
    }
}
