import Foundation
import KyTestSupport
import Testing

/// Big documents cost kymon about the same memory as small ones: `snapshot` decodes `/history` as
/// it arrives, and `replay` keeps finished prompts in a temporary file; both print what the
/// in-memory paths would.
@Suite("Large documents (black box)")
struct LargeDocumentTests {
    static let emptyQueue = FakeComfyUI.Response.json(#"{"queue_running": [], "queue_pending": []}"#)

    /// A `/history` document of `entries` finished prompts, each with a UI workflow of `workflowBytes`.
    static func history(entries: Int, workflowBytes: Int) -> String {
        let filler = String(repeating: "x", count: workflowBytes)
        var text = "{"
        for index in 0..<entries {
            let id = String(format: "%08x-0000-4000-8000-%012x", index, index * 7)
            let end = 1_700_000_000_000 + Int64(index % 50) * 1000
            let outcome = index % 7 == 0
                ? #"["execution_error", {"prompt_id": "\#(id)", "node_id": "3", "node_type": "KSampler", "exception_message": "boom \#(index)", "exception_type": "RuntimeError", "traceback": [], "timestamp": \#(end)}]"#
                : #"["execution_success", {"prompt_id": "\#(id)", "timestamp": \#(end)}]"#
            if index > 0 { text += ", " }
            text += #""\#(id)": {"prompt": [\#(index % 13), "\#(id)", {"3": {"class_type": "KSampler", "inputs": {}}}, {"extra_pnginfo": {"workflow": {"id": "w\#(index % 3)", "note": "\#(filler)"}}}, ["3"]], "outputs": {}, "status": {"status_str": "\#(index % 7 == 0 ? "error" : "success")", "completed": \#(index % 7 != 0), "messages": [["execution_start", {"prompt_id": "\#(id)", "timestamp": \#(end - 900)}], \#(outcome)]}}"#
        }
        return text + "}"
    }

    @Test("snapshot decoding /history as it arrives prints what replay prints for the same bytes")
    func snapshotEqualsReplay() async throws {
        let body = Self.history(entries: 1500, workflowBytes: 1000)
        let file = try KymonProcess.temporaryFile(body)
        defer { KymonProcess.removeTemporaryFile(file) }
        let routes = ["/queue": Self.emptyQueue, "/history?max_items=5000": FakeComfyUI.Response(body: Array(body.utf8))]
        try await FakeComfyUI.with(routes: routes) { server in
            let live = try await KymonProcess.run(["snapshot", "--server", server.baseURL, "--history-max-items", "5000", "--format", "jsonl"])
            let saved = try await KymonProcess.run(["replay", file, "--format", "jsonl"])
            #expect(live.status == 0, "\(live.stderr)")
            #expect(saved.status == 0, "\(saved.stderr)")
            #expect(live.stdout.split(separator: "\n").count == 1500)
            #expect(live.stdout == saved.stdout)
        }
    }

    @Test("a 200 MB /history: snapshot's peak memory stays far below the answer's size", .enabled(if: heavyTestsEnabled))
    func hugeHistory() async throws {
        let body = Array(Self.history(entries: 200, workflowBytes: 1_000_000).utf8)
        let routes = ["/queue": Self.emptyQueue, "/history?max_items=100": FakeComfyUI.Response(body: body)]
        try await FakeComfyUI.with(routes: routes) { server in
            let run = try await MeasuredRun.run(["snapshot", "--server", server.baseURL, "--format", "jsonl", "--timeout", "120"], limit: .seconds(150))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.split(separator: "\n").count == 200)
            #expect(run.peakMemory < 128 << 20, "peak RSS \(run.peakMemory >> 20) MiB for a \(body.count >> 20) MiB answer")
        }
    }

    @Test("replay of 60,000 prompts: every one printed, in order, with memory close to that of 6,000", .enabled(if: heavyTestsEnabled))
    func manyPrompts() async throws {
        let small = try KymonProcess.temporaryFile(Self.history(entries: 6000, workflowBytes: 100))
        let large = try KymonProcess.temporaryFile(Self.history(entries: 60000, workflowBytes: 100))
        defer {
            KymonProcess.removeTemporaryFile(small)
            KymonProcess.removeTemporaryFile(large)
        }
        let few = try await MeasuredRun.run(["replay", small, "--format", "jsonl"])
        let many = try await MeasuredRun.run(["replay", large, "--format", "jsonl"])
        #expect(few.status == 0 && many.status == 0)
        let lines = many.stdout.split(separator: "\n")
        #expect(lines.count == 60000)
        // Newest first: end times never rise down the output.
        let ends = lines.compactMap { String($0).jsonObject?["end_time"] as? String }
        #expect(ends.count == 60000)
        #expect(zip(ends, ends.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(many.peakMemory - few.peakMemory < 16 << 20, "\(few.peakMemory >> 20) MiB → \(many.peakMemory >> 20) MiB")
    }
}
