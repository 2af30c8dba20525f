import Foundation
import Testing
@testable import KyQuery

/// The table is compared with committed text; set RECORD_SNAPSHOTS=1 to re-record after a deliberate change.
@Suite("Table rendering")
struct TableRendererTests {
    private func golden(_ name: String, _ actual: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/\(name).txt")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try Data(actual.utf8).write(to: url)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "table differs from Snapshots/\(name).txt")
    }

    private let utc: @Sendable (Int64) -> String = { String(Timestamp.iso8601(milliseconds: $0).dropFirst(5).prefix(14)).replacingOccurrences(of: "T", with: " ") }

    @Test("fixtures at 80 columns")
    func fixtures80() throws {
        let snapshot = try decodeCaptures("s02-slow-progress/06-queue-1-running-2-pending.json", "s09-final-snapshots/01-history-all.json")
        var named = snapshot
        named.source = "http://127.0.0.1:8188"
        named.items.insert(
            PromptInfo(id: "aaaaaaaa-running", kind: .queue, status: .running, number: 26, progress: 0.4, currentNode: NodeReference(id: "2", type: "KymonSlowNode"), startTime: 1_795_973_193_000),
            at: 0
        )
        try golden("fixtures-80", TableRenderer(width: 80, formatTime: utc).render(named))
    }

    @Test("narrow and wide terminals keep every line within the width")
    func widths() throws {
        let snapshot = try decodeCaptures("s09-final-snapshots/01-history-all.json")
        for width in [60, 80, 132] {
            let table = TableRenderer(width: width, formatTime: utc).render(snapshot)
            for line in table.split(separator: "\n") { #expect(line.count <= width, "\(line)") }
        }
    }

    @Test("colour only when asked, and control characters in data are neutralised")
    func colourAndControlCharacters() throws {
        let info = PromptInfo(id: "x", kind: .history, status: .failed, error: ErrorInfo(type: "E", message: "bad\u{1B}[2Jthing"))
        let snapshot = Snapshot(source: "s", generatedAt: 0, queue: nil, items: [info])
        let plain = TableRenderer(width: 80, useColor: false, formatTime: utc).render(snapshot)
        #expect(!plain.contains("\u{1B}"))
        let coloured = TableRenderer(width: 80, useColor: true, formatTime: utc).render(snapshot)
        #expect(coloured.contains("\u{1B}[31;1mfailed"))
        #expect(coloured.components(separatedBy: "\u{1B}").count == 3)
    }
}
