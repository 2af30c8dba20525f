import Foundation
import KyTestSupport

/// Plays a recorded scenario on a `FakeComfyUI`: the recorded socket frames, in order, with
/// `/queue` and `/history/{id}` answers kept consistent with them.
///
/// Timing is compressed; instead, after every `status` frame the replay waits until the watcher
/// has read `/queue`, as it would have had time to. A history entry appears only with the
/// `status` frame after the prompt's last event, as on a real server (the success event comes
/// first). Entries the capture has are served byte for byte; for prompts it has none for, one is
/// built from the recorded frames' own payloads.
struct ScenarioReplay {
    let server: FakeComfyUI
    let scenario: String
    /// Send only `status` frames, as a socket without the kymon bridge receives for browser prompts.
    var statusOnly = false

    private var items: [String: Any] = [:]
    private var capturedHistory: [String: Data] = [:]
    private(set) var submitted: [String] = []
    private var pending: [String] = []
    private var running: String?
    private var historyDue: [String] = []
    private var served: [String: Data] = [:]
    /// Payloads of each prompt's execution messages, for built history entries.
    private var messages: [String: [(String, Any)]] = [:]

    init(server: FakeComfyUI, scenario: String, statusOnly: Bool = false) throws {
        self.server = server
        self.scenario = scenario
        self.statusOnly = statusOnly
        try loadCapturedBodies()
    }

    /// Sets the routes of an idle, freshly started server.
    func prepare(historyMaxItems: Int = 100) throws {
        server.setRoute("/queue", .json(#"{"queue_running": [], "queue_pending": []}"#))
        server.setRoute("/history?max_items=\(historyMaxItems)", .json("{}"))
        server.setRoute("/history?max_items=20", .json("{}"))
        server.setRoute("/system_stats", FakeComfyUI.Response(body: try Streams.bytes("s00-idle-baseline", "http/05-system-stats.json")))
    }

    /// Plays every step; `barrier` waits for the watcher's reaction to a `status` frame.
    mutating func play(barrier: (Int) async throws -> Void) async throws {
        let frames = try Streams.frames(scenario)
        let marks = try Streams.marks(scenario).filter { $0.event == "submitted" || $0.event == "deleted" }
        var markIndex = 0
        for (index, frame) in frames.enumerated() {
            while markIndex < marks.count, marks[markIndex].at <= frame.receivedAt {
                apply(marks[markIndex])
                markIndex += 1
            }
            guard frame.type != "feature_flags", !frame.text.contains("\"sid\"") else { continue }
            let data = try JSONSerialization.jsonObject(with: Data(frame.text.utf8)) as? [String: Any]
            let payload = data?["data"] as? [String: Any] ?? [:]
            let id = payload["prompt_id"] as? String
            switch frame.type {
            case "status":
                // The worker takes the next prompt just before this broadcast when the very next
                // frame starts it (the server's queue.get announces the change).
                if index + 1 < frames.count, frames[index + 1].type == "execution_start", running == nil,
                    let next = (try? JSONSerialization.jsonObject(with: Data(frames[index + 1].text.utf8))) as? [String: Any],
                    let nextID = (next["data"] as? [String: Any])?["prompt_id"] as? String, pending.contains(nextID)
                {
                    pending.removeAll { $0 == nextID }
                    running = nextID
                }
                for due in historyDue { serveHistory(due) }
                historyDue = []
                serveQueue()
                let reads = queueReads
                await server.sendText(frame.text)
                try await barrier(reads)
                continue
            case "execution_start":
                if let id {
                    pending.removeAll { $0 == id }
                    running = id
                    serveQueue()
                }
            case "execution_success", "execution_error", "execution_interrupted":
                if let id {
                    if running == id { running = nil }
                    historyDue.append(id)
                }
            default: break
            }
            if let id, frame.type.hasPrefix("execution_") { messages[id, default: []].append((frame.type, payload)) }
            if !statusOnly { await server.sendText(frame.text) }
        }
        for mark in marks[markIndex...] { apply(mark) }
        for due in historyDue { serveHistory(due) }
        serveQueue()
    }

    /// How many times the watcher has read `/queue` so far.
    var queueReads: Int { server.requests.filter { $0.target == "/queue" }.count }

    private mutating func apply(_ mark: Streams.Mark) {
        guard let id = mark.promptID else { return }
        if mark.event == "submitted" {
            submitted.append(id)
            pending.append(id)
        } else {
            pending.removeAll { $0 == id }
        }
        serveQueue()
        server.setRoute("/history/\(id)", .json("{}"))
    }

    private func serveQueue() {
        let body: [String: Any] = [
            "queue_running": running.flatMap { items[$0] }.map { [$0] } ?? [],
            "queue_pending": pending.compactMap { items[$0] },
        ]
        if let data = try? JSONSerialization.data(withJSONObject: body) { server.setRoute("/queue", FakeComfyUI.Response(body: Array(data))) }
    }

    private func serveHistory(_ id: String) {
        let body = capturedHistory[id] ?? builtHistory(id)
        server.setRoute("/history/\(id)", FakeComfyUI.Response(body: Array(body)))
    }

    /// A history entry from the prompt's queue item and its recorded execution messages.
    private func builtHistory(_ id: String) -> Data {
        let recorded = messages[id] ?? []
        let succeeded = recorded.contains { $0.0 == "execution_success" }
        let entry: [String: Any] = [
            "prompt": items[id] ?? [],
            "outputs": [String: Any](),
            "status": [
                "status_str": succeeded ? "success" : "error",
                "completed": succeeded,
                "messages": recorded.map { [$0.0, $0.1] },
            ],
            "meta": [String: Any](),
        ]
        return (try? JSONSerialization.data(withJSONObject: [id: entry])) ?? Data("{}".utf8)
    }

    private mutating func loadCapturedBodies() throws {
        let folder = Streams.directory.appendingPathComponent(scenario).appendingPathComponent("http")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".json") {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            for key in ["queue_running", "queue_pending"] {
                for case let item as [Any] in object[key] as? [Any] ?? [] where item.count > 1 {
                    if let id = item[1] as? String { items[id] = items[id] ?? item }
                }
            }
            for (id, value) in object {
                guard let entry = value as? [String: Any], let item = entry["prompt"] as? [Any], entry["status"] != nil else { continue }
                items[id] = item
                capturedHistory[id] = data
            }
        }
    }
}
