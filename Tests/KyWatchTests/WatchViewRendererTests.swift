import Foundation
import KyQuery
import KyWatch
import Testing

/// The frames are compared with committed text in Expected/; set RECORD_SNAPSHOTS=1 to re-record after a deliberate change.
@Suite("Watch view rendering")
struct WatchViewRendererTests {
    private static let now: Int64 = 1_795_973_300_000
    private static let utc: @Sendable (Int64) -> String = { String(Timestamp.iso8601(milliseconds: $0).dropFirst(11).prefix(8)) }

    private static func seconds(_ value: Double) -> Int64 { Int64(value * 1000) }

    /// Four servers: live with the bridge, polling, live without the bridge, and down.
    static let view = WatchView(
        servers: [
            ServerPanel(
                url: "http://gpu-a.example:8188", version: "0.8.2", connection: .connected, bridge: true,
                queue: QueueCounts(running: 1, pending: 2),
                running: [
                    PromptInfo(
                        id: "3f2a9c1e-5b7d-4e21-9a0c-d1e2f3a4b5c6", kind: .queue, status: .running, number: 41, progress: 0.42,
                        currentNode: NodeReference(id: "3", type: "KSampler"), nodeProgress: NodeProgress(value: 12, max: 20),
                        expectedEndTime: now + seconds(80), createTime: now - seconds(90), startTime: now - seconds(65)
                    )
                ],
                pending: [
                    PromptInfo(
                        id: "a1b2c3d4-0000-4000-8000-000000000001", kind: .queue, status: .pending, number: 42, queuePosition: 1,
                        expectedEndTime: now + seconds(180), createTime: now - seconds(130)
                    ),
                    PromptInfo(
                        id: "b2c3d4e5-0000-4000-8000-000000000002", kind: .queue, status: .pending, number: 43, queuePosition: 2,
                        expectedEndTime: now + seconds(290), createTime: now - seconds(45)
                    ),
                ],
                finished: [
                    PromptInfo(
                        id: "9f8e7d6c-0000-4000-8000-000000000003", kind: .history, status: .completed, number: 40,
                        startTime: now - seconds(210), endTime: now - seconds(197.6), outputs: ["ComfyUI_00012_.png"]
                    ),
                    PromptInfo(
                        id: "5e6f7a8b-0000-4000-8000-000000000004", kind: .history, status: .failed, number: 39,
                        currentNode: NodeReference(id: "7", type: "VAEDecode"), startTime: now - seconds(300), endTime: now - seconds(295.9),
                        error: ErrorInfo(type: "ValueError", message: "Expected a latent of shape [1, 4, 128, 128]\nbut got [1, 4, 64, 64]")
                    ),
                    PromptInfo(
                        id: "1a2b3c4d-0000-4000-8000-000000000005", kind: .history, status: .interrupted, number: 38,
                        startTime: now - seconds(500), endTime: now - seconds(438)
                    ),
                ]
            ),
            ServerPanel(
                url: "http://gpu-b.example:8188", version: "0.8.2", connection: .polling(reason: "WebSocket closed (1006)"),
                bridge: true, queue: QueueCounts(running: 0, pending: 1),
                pending: [
                    PromptInfo(id: "c3d4e5f6-0000-4000-8000-000000000006", kind: .queue, status: .pending, queuePosition: 1, createTime: now - seconds(12))
                ],
                finished: [
                    PromptInfo(
                        id: "d4e5f6a7-0000-4000-8000-000000000007", kind: .history, status: .completed,
                        startTime: now - seconds(4000), endTime: now - seconds(200)
                    )
                ],
                lost: ["c0ffee00-0000-4000-8000-000000000008"]
            ),
            ServerPanel(
                url: "http://127.0.0.1:8188", version: "0.8.2", connection: .connected, bridge: false,
                queue: QueueCounts(running: 1, pending: 0),
                running: [
                    PromptInfo(
                        id: "e5f6a7b8-0000-4000-8000-000000000009", kind: .queue, status: .running,
                        currentNode: NodeReference(id: "4", type: "CheckpointLoaderSimple"), startTime: now - seconds(5)
                    )
                ]
            ),
            ServerPanel(url: "http://gpu-c.example:8188", connection: .down(reason: "connection refused")),
        ],
        now: now
    )

    private func renderer(width: Int = 80, height: Int? = nil, useColor: Bool = false) -> WatchViewRenderer {
        WatchViewRenderer(width: width, height: height, useColor: useColor, formatTime: Self.utc)
    }

    private func expect(_ lines: [String], matches name: String) throws {
        let actual = lines.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Expected/\(name).txt")
            try Data(actual.utf8).write(to: url)
            return
        }
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Expected"), "Expected/\(name).txt is missing")
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "frame differs from Expected/\(name).txt")
    }

    private func isHeader(_ line: String) -> Bool { !line.isEmpty && !line.hasPrefix(" ") }

    private func strippingColor(_ line: String) -> String {
        var result = ""
        var inEscape = false
        for character in line {
            if inEscape {
                inEscape = character != "m"
            } else if character == "\u{1B}" {
                inEscape = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    @Test("four servers at 80 columns")
    func fullFrame() throws {
        try expect(renderer().lines(for: Self.view), matches: "watch-80")
    }

    @Test("40 columns")
    func narrowFrame() throws {
        let lines = renderer(width: 40).lines(for: Self.view)
        try expect(lines, matches: "watch-40")
    }

    @Test("no line is wider than the width", arguments: [1, 10, 20, 40, 60, 80, 132, 200])
    func widths(width: Int) {
        for useColor in [false, true] {
            for line in renderer(width: width, useColor: useColor).lines(for: Self.view) {
                #expect(strippingColor(line).count <= width, "\(line)")
            }
        }
    }

    @Test("a height limit cuts finished and pending prompts first and keeps every header")
    func heightLimit() throws {
        let full = renderer().lines(for: Self.view)
        let headers = full.filter(isHeader)
        #expect(headers.count == 4)
        let lines = renderer(height: 14).lines(for: Self.view)
        #expect(lines.count == 14)
        #expect(lines.filter(isHeader) == headers)
        #expect(lines.contains { $0.contains("3f2a9c1e") })
        try expect(lines, matches: "watch-80x14")
    }

    @Test("a height below the number of servers shows only headers")
    func tinyHeight() {
        let lines = renderer(height: 3).lines(for: Self.view)
        #expect(lines.count == 3)
        #expect(lines == Array(renderer().lines(for: Self.view).filter(isHeader).prefix(3)))
    }

    @Test("pending prompts that do not fit are counted")
    func pendingOverflow() {
        let pending = (1...10).map { (position: Int) in PromptInfo(id: "p\(position)", kind: .queue, status: .pending, queuePosition: position) }
        let view = WatchView(servers: [ServerPanel(url: "http://s", connection: .connected, pending: pending)], now: Self.now)
        let lines = renderer(height: 5).lines(for: view)
        #expect(lines.count == 5)
        #expect(lines[1].contains("#1") && lines[3].contains("#3"))
        #expect(lines[4] == "  … and 7 more")
    }

    @Test("finishedLimit caps the finished prompts per server")
    func finishedLimit() {
        let lines = WatchViewRenderer(width: 80, finishedLimit: 1, formatTime: Self.utc).lines(for: Self.view)
        #expect(lines.contains { $0.contains("9f8e7d6c") })
        #expect(!lines.contains { $0.contains("5e6f7a8b") })
    }

    @Test("an idle server says so; a down one does not")
    func idle() {
        let view = WatchView(
            servers: [ServerPanel(url: "http://a", connection: .connected, bridge: true), ServerPanel(url: "http://b", connection: .down(reason: "x"))],
            now: Self.now
        )
        #expect(renderer().lines(for: view) == ["http://a  connected  bridge yes", "  (no prompts)", "", "http://b  down: x"])
    }

    @Test("colour only when asked, with the same text")
    func colour() {
        let plain = renderer(useColor: false).lines(for: Self.view)
        #expect(!plain.joined().contains("\u{1B}"))
        let coloured = renderer(useColor: true).lines(for: Self.view)
        #expect(coloured.map(strippingColor) == plain)
        let text = coloured.joined(separator: "\n")
        #expect(text.contains("[\u{1B}[32m█") && text.contains("█\u{1B}[0m░"))
        #expect(text.contains("\u{1B}[31;1mdown: connection refused\u{1B}[0m"))
        #expect(text.contains("\u{1B}[31;1mfailed\u{1B}[0m"))
        #expect(text.contains("\u{1B}[36mrunning\u{1B}[0m"))
    }

    @Test("control characters in server data cannot reach the terminal")
    func controlCharacters() {
        let failure = PromptInfo(id: "x\u{1B}[2J", kind: .history, status: .failed, error: ErrorInfo(type: "E", message: "bad\u{9B}1mthing"))
        let view = WatchView(servers: [ServerPanel(url: "http://\u{1B}]0;title\u{07}", connection: .polling(reason: "a\rb"), finished: [failure])], now: Self.now)
        let plain = renderer().lines(for: view).joined()
        #expect(!plain.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(renderer(useColor: true).lines(for: view).map(strippingColor).joined() == plain)
    }
}
