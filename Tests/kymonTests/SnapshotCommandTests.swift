import Foundation
import KyTestSupport
import Testing

@Suite("kymon snapshot and config (black box)")
struct SnapshotCommandTests {
    private func capture(_ path: String) throws -> FakeComfyUI.Response {
        let url = KymonProcess.packageRoot.appendingPathComponent("Tests/KyQueryTests/Captures/\(path)")
        return FakeComfyUI.Response(body: Array(try Data(contentsOf: url)))
    }

    @Test("reads a live server over HTTP")
    func live() async throws {
        let routes = [
            "/queue": try capture("s02-slow-progress/06-queue-1-running-2-pending.json"),
            "/history?max_items=5": try capture("s09-final-snapshots/01-history-all.json"),
        ]
        try await FakeComfyUI.with(routes: routes) { server in
            let run = try await KymonProcess.run(["snapshot", "--server", server.baseURL, "--history-max-items", "5", "--format", "json"])
            #expect(run.status == 0, "\(run.stderr)")
            let document = try #require(run.stdout.jsonObject)
            #expect(document["source"] as? String == server.baseURL)
            #expect((document["items"] as? [Any])?.count == 18)
            let byEnv = try await KymonProcess.run(["snapshot", "--id", "779977d7"], environment: ["KY_MONITOR_COMFYUI_URL": server.baseURL, "KY_MONITOR_HISTORY_MAX_ITEMS": "5"])
            #expect(byEnv.status == 1)
        }
    }

    @Test("--header and KY_MONITOR_COMFYUI_TOKEN reach ComfyUI; the token is never printed")
    func upstreamHeaders() async throws {
        let routes = [
            "/queue": try capture("s00-idle-baseline/01-queue-idle.json"),
            "/history?max_items=100": try capture("s00-idle-baseline/03-history-empty.json"),
        ]
        try await FakeComfyUI.with(routes: routes) { server in
            let run = try await KymonProcess.run(
                ["snapshot", "--server", server.baseURL, "--header", "X-Api-Key: k-123", "--log-level", "trace"],
                environment: ["KY_MONITOR_COMFYUI_TOKEN": "tok-SECRET-42"]
            )
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!server.requests.isEmpty)
            #expect(server.requests.allSatisfy { $0.headers["authorization"] == "Bearer tok-SECRET-42" && $0.headers["x-api-key"] == "k-123" })
            #expect(!run.stdout.contains("tok-SECRET-42") && !run.stderr.contains("tok-SECRET-42"))
            let report = try await KymonProcess.run(["config"], environment: ["KY_MONITOR_COMFYUI_TOKEN": "tok-SECRET-42"])
            #expect(report.stdout.contains(#""comfyui_token":{"value":"***","origin":"env""#))
            #expect(!report.stdout.contains("tok-SECRET-42"))
        }
        let bad = try await KymonProcess.run(["snapshot", "--header", "no colon here"])
        #expect(bad.status == 64)
    }

    @Test("--id asks /history/{id} for prompts older than the window")
    func idBeyondWindow() async throws {
        let routes = [
            "/queue": try capture("s00-idle-baseline/01-queue-idle.json"),
            "/history?max_items=100": try capture("s00-idle-baseline/03-history-empty.json"),
            "/history/779977d7-6cf5-4b6d-9ecf-1e583e633389": try capture("s03-error/02-history-by-id-error.json"),
            "/history/00000000-0000-0000-0000-000000000000": try capture("s09-final-snapshots/04-history-unknown-id.json"),
        ]
        try await FakeComfyUI.with(routes: routes) { server in
            let found = try await KymonProcess.run(["snapshot", "--server", server.baseURL, "--id", "779977d7-6cf5-4b6d-9ecf-1e583e633389", "--format", "jsonl"])
            #expect(found.status == 1, "\(found.stderr)")
            #expect(found.stdout.contains(#""status":"failed""#))
            let unknown = try await KymonProcess.run(["snapshot", "--server", server.baseURL, "--id", "00000000-0000-0000-0000-000000000000"])
            #expect(unknown.status == 4)
        }
    }

    @Test("an unreachable server exits 69 with the URL and a hint")
    func unreachable() async throws {
        try await RefusingPort.withURL { url in
            let run = try await KymonProcess.run(["snapshot", "--server", url])
            #expect(run.status == 69)
            #expect(run.stderr.contains("cannot reach ComfyUI at \(url)/"))
            #expect(run.stderr.contains("KY_MONITOR_COMFYUI_URL"))
            #expect(run.stdout.isEmpty)
        }
    }

    @Test("config: values with their origins; secrets masked")
    func config() async throws {
        let file = try KymonProcess.temporaryFile(#"{"history_max_items": 50, "redis_channel": {"password": "pa55word", "port": 6380}}"#)
        let run = try await KymonProcess.run(
            ["config", "--config", file, "--server", "http://gpu-1:8188"],
            environment: ["KY_MONITOR_REDIS_PORT": "6390", "KY_MONITOR_PROMPT_SERVER_TOKEN": "tok-SECRET"]
        )
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(run.stdout.jsonObject)
        #expect((report["comfyui_url"] as? [String: Any])?["origin"] as? String == "flag")
        #expect((report["history_max_items"] as? [String: Any])?["origin"] as? String == "file")
        let redis = try #require(report["redis_channel"] as? [String: [String: Any]])
        #expect(redis["port"]?["value"] as? Int == 6390)
        #expect(redis["port"]?["origin"] as? String == "env")
        #expect(redis["password"]?["value"] as? String == "***")
        #expect(!run.stdout.contains("pa55word"))
        #expect(!run.stdout.contains("tok-SECRET"))
        #expect(report["config_file"] as? String == file)
    }

    @Test("a config.json in the working directory is read; bad values exit 78")
    func configErrors() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-cwd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"frequency_seconds": -1, "extra": 1}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        let run = try await KymonProcess.run(["config"], directory: folder)
        #expect(run.status == 78)
        #expect(run.stderr.contains("invalid value '-1' for frequency_seconds (from file config.json:1:23)"))
        let env = try await KymonProcess.run(["replay", KymonProcess.fixture("queue.json")], environment: ["KY_MONITOR_TRACEBACK_DEPTH": "deep"])
        #expect(env.status == 78)
        #expect(env.stderr.contains("KY_MONITOR_TRACEBACK_DEPTH"))
        let missing = try await KymonProcess.run(["config", "--config", "absent.json"])
        #expect(missing.status == 78)
    }

    @Test("unknown configuration keys are warned about on stderr, stdout stays clean JSON")
    func unknownKeyWarning() async throws {
        let file = try KymonProcess.temporaryFile(#"{"colour": "blue"}"#)
        let run = try await KymonProcess.run(["replay", "--config", file, KymonProcess.fixture("queue.json")])
        #expect(run.status == 0)
        #expect(run.stderr.contains("unknown configuration key 'colour'"))
        #expect(run.stdout.jsonObject != nil)
    }
}
