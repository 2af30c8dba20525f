import Foundation
import KyTestSupport
import Testing

/// `kymon snapshot --server` against a ComfyUI that misbehaves: each fault is reported precisely
/// with its exit status, in bounded time and memory, and credentials in the URL are never printed.
@Suite("kymon snapshot against a faulty ComfyUI (black box)")
struct SnapshotFaultTests {
    static let emptyQueue = FakeComfyUI.Response.json(#"{"queue_running": [], "queue_pending": []}"#)

    /// The server's URL with credentials that must never be printed.
    static func withCredentials(_ url: String) -> String { url.replacingOccurrences(of: "://", with: "://admin:pa55-SECRET@") }

    private func expectNoCredentials(_ run: MeasuredRun) {
        #expect(!run.stderr.contains("pa55-SECRET") && !run.stderr.contains("admin"), "\(run.stderr)")
        #expect(!run.stdout.contains("pa55-SECRET"))
    }

    @Test("connection refused: exit 69 naming the URL")
    func refused() async throws {
        try await RefusingPort.withURL { url in
            let run = try await MeasuredRun.run(["snapshot", "--server", Self.withCredentials(url)])
            #expect(run.status == 69)
            #expect(run.stderr.hasPrefix("kymon: cannot reach ComfyUI at \(url)/"), "\(run.stderr)")
            #expect(run.stderr.contains("connection refused"))
            expectNoCredentials(run)
        }
    }

    @Test("HTTP 500: exit 69 with the URL and the status")
    func serverError() async throws {
        let routes = ["/queue": FakeComfyUI.Response(status: 500, contentType: "text/plain", body: Array("Internal Server Error".utf8))]
        try await FakeComfyUI.with(routes: routes) { server in
            let run = try await MeasuredRun.run(["snapshot", "--server", Self.withCredentials(server.baseURL)])
            #expect(run.status == 69)
            #expect(run.stderr == "kymon: \(server.baseURL)/queue answered HTTP 500\n")
            expectNoCredentials(run)
        }
    }

    @Test("HTML instead of JSON: exit 65 with URL:line:column and what was expected")
    func html() async throws {
        let page = FakeComfyUI.Response(contentType: "text/html", body: Array("<!DOCTYPE html>\n<html><body>Bad gateway</body></html>\n".utf8))
        try await FakeComfyUI.with(routes: ["/queue": Self.emptyQueue, "/history?max_items=100": page]) { server in
            let run = try await MeasuredRun.run(["snapshot", "--server", Self.withCredentials(server.baseURL)])
            #expect(run.status == 65)
            #expect(run.stderr == "kymon: \(server.baseURL)/history?max_items=100:1:1: expected a value, found '<' (an HTML or XML page, not JSON)\n")
            expectNoCredentials(run)
        }
    }

    @Test("a body that never ends: exit 69 after timeout_seconds, saying so")
    func endlessBody() async throws {
        let endless = FakeComfyUI.Response.endlessHistory(pause: .milliseconds(20))
        try await FakeComfyUI.with(routes: ["/queue": Self.emptyQueue, "/history?max_items=100": endless]) { server in
            let run = try await MeasuredRun.run(["snapshot", "--server", Self.withCredentials(server.baseURL), "--timeout", "2"])
            #expect(run.status == 69)
            #expect(run.stderr.hasPrefix("kymon: no complete answer from \(server.baseURL)/history?max_items=100 within 2 s"), "\(run.stderr)")
            #expect(run.elapsed >= .seconds(2))
            #expect(run.elapsed < .seconds(20))
            #expect(run.peakMemory < 256 << 20, "peak RSS \(run.peakMemory >> 20) MiB")
            expectNoCredentials(run)
        }
    }

    @Test("a 2 GB body that declares its length: refused before reading it")
    func declaredHugeBody() async throws {
        let huge = FakeComfyUI.Response.endlessHistory(bytes: 2 << 30, declaresLength: true)
        try await FakeComfyUI.with(routes: ["/queue": Self.emptyQueue, "/history?max_items=100": huge]) { server in
            let run = try await MeasuredRun.run(["snapshot", "--server", server.baseURL])
            #expect(run.status == 69)
            #expect(run.stderr == "kymon: the answer from \(server.baseURL)/history?max_items=100 is larger than 256 MiB; lower history_max_items\n")
            #expect(run.elapsed < .seconds(20))
            #expect(run.peakMemory < 256 << 20, "peak RSS \(run.peakMemory >> 20) MiB")
        }
    }

    @Test("a 2 GB chunked body: refused at the 256 MiB cap, memory far below 2 GB", .enabled(if: heavyTestsEnabled))
    func chunkedHugeBody() async throws {
        let huge = FakeComfyUI.Response.endlessHistory(bytes: 2 << 30)
        try await FakeComfyUI.with(routes: ["/queue": Self.emptyQueue, "/history?max_items=100": huge]) { server in
            let run = try await MeasuredRun.run(["snapshot", "--server", server.baseURL, "--timeout", "120"], limit: .seconds(150))
            #expect(run.status == 69)
            #expect(run.stderr == "kymon: the answer from \(server.baseURL)/history?max_items=100 is larger than 256 MiB; lower history_max_items\n")
            #expect(run.elapsed < .seconds(120))
            #expect(run.peakMemory < 768 << 20, "peak RSS \(run.peakMemory >> 20) MiB")
        }
    }
}
