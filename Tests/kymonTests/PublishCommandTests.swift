import Foundation
import KyTestSupport
import Testing

@Suite("kymon publish, doctor and replay --channel (black box)")
struct PublishCommandTests {
    private let history = KymonProcess.fixture("history.json")
    private let queue = KymonProcess.fixture("queue.json")

    private func capture(_ path: String) throws -> FakeComfyUI.Response {
        FakeComfyUI.Response(body: Array(try Data(contentsOf: KymonProcess.packageRoot.appendingPathComponent("Tests/KyQueryTests/Captures/\(path)"))))
    }

    @Test("one shot to stdout: a snapshot document with server and seq")
    func stdoutOnce() async throws {
        let run = try await KymonProcess.run(["publish", "--from", queue, history, "--stdout"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let document = try #require(String(lines[0]).jsonObject)
        #expect(document["schema"] as? String == "kymon.snapshot/1")
        #expect(document["seq"] as? Int == 1)
        #expect(document["server"] as? String == "\(queue), \(history)")
        #expect((document["items"] as? [Any])?.count == 19)
    }

    @Test("no channel selected, or an unknown one, is a usage error")
    func noChannel() async throws {
        #expect(try await KymonProcess.run(["publish", "--from", history]).status == 64)
        let unknown = try await KymonProcess.run(["publish", "--from", history, "--channel", "carrier-pigeon"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("carrier-pigeon"))
    }

    @Test("a failing channel does not stop the others; exit 75 names it")
    func failingChannel() async throws {
        try await FakeComfyUI.with(routes: ["/hook?t=secret-token": .json("{}", status: 500)]) { server in
            let run = try await KymonProcess.run(
                ["publish", "--from", history, "--channel", "webhook", "--stdout"],
                environment: ["KY_MONITOR_WEBHOOK_URL": "\(server.baseURL)/hook?t=secret-token", "KY_MONITOR_WEBHOOK_RETRIES": "1", "KY_MONITOR_WEBHOOK_BACKOFF_MS": "10"]
            )
            #expect(run.status == 75)
            #expect(run.stdout.split(separator: "\n").count == 1)
            #expect(run.stderr.contains("channel webhook failed after 2 attempt(s): \(server.baseURL)/hook answered HTTP 500"))
            #expect(!run.stderr.contains("secret-token"))
            #expect(server.requests.count == 2)
        }
    }

    @Test("a refused connection fails at once with its reason, not after the timeout")
    func refusedConnection() async throws {
        try await RefusingPort.withURL { url in
            let run = try await KymonProcess.run(
                ["publish", "--from", history, "--channel", "webhook"],
                environment: ["KY_MONITOR_WEBHOOK_URL": "\(url)/hook", "KY_MONITOR_WEBHOOK_RETRIES": "0", "KY_MONITOR_WEBHOOK_TIMEOUT_SECONDS": "30"]
            )
            #expect(run.status == 75)
            #expect(run.stderr.contains("cannot reach \(url)/hook: connection refused"), "\(run.stderr)")
        }
    }

    @Test("webhook and ComfyUI bridge receive the live snapshot; enabled switches choose channels")
    func liveToHTTPChannels() async throws {
        let routes = [
            "/queue": try capture("s02-slow-progress/06-queue-1-running-2-pending.json"),
            "/history?max_items=100": try capture("s09-final-snapshots/02-history-max-items-2.json"),
            "/kymon/emit": FakeComfyUI.Response.json(#"{"ok": true}"#),
            "/hook": FakeComfyUI.Response.json("{}"),
        ]
        try await FakeComfyUI.with(routes: routes) { server in
            let run = try await KymonProcess.run(["publish", "--server", server.baseURL], environment: [
                "KY_MONITOR_PROMPT_SERVER_ENABLED": "true", "KY_MONITOR_PROMPT_SERVER_TOKEN": "bridge-tok",
                "KY_MONITOR_WEBHOOK_ENABLED": "yes", "KY_MONITOR_WEBHOOK_URL": "\(server.baseURL)/hook", "KY_MONITOR_WEBHOOK_SECRET": "k",
            ])
            #expect(run.status == 0, "\(run.stderr)")
            let emit = try #require(server.requests.first { $0.target == "/kymon/emit" })
            #expect(emit.headers["authorization"] == "Bearer bridge-tok")
            let envelope = try #require(String(decoding: emit.body, as: UTF8.self).jsonObject)
            #expect(envelope["event"] as? String == "ky_monitor_update")
            #expect(((envelope["data"] as? [String: Any])?["items"] as? [Any])?.count == 5)
            let hook = try #require(server.requests.first { $0.target == "/hook" })
            #expect(hook.headers["x-kymon-signature"]?.hasPrefix("sha256=") == true)
            #expect(String(decoding: hook.body, as: UTF8.self).jsonObject?["server"] as? String == server.baseURL)
        }
    }

    @Test("--on-change with a state file: the second run sends nothing")
    func onChange() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-state-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let first = try await KymonProcess.run(["publish", "--from", history, "--stdout", "--on-change", "--state", state])
        #expect(first.status == 0)
        #expect(first.stdout.split(separator: "\n").count == 1)
        let second = try await KymonProcess.run(["publish", "--from", history, "--stdout", "--on-change", "--state", state])
        #expect(second.status == 0)
        #expect(second.stdout.isEmpty)
        let saved = try #require(try String(contentsOfFile: state, encoding: .utf8).jsonObject)
        #expect(saved["seq"] as? Int == 1)
        #expect((saved["statuses"] as? [String: String])?.count == 18)
        #expect(try await KymonProcess.run(["publish", "--from", history, "--stdout", "--on-change"]).status == 64)
        #expect(try await KymonProcess.run(["publish", "--from", "-", "--stdout", "--interval", "1"]).status == 64)
        #expect(try await KymonProcess.run(["replay", history, "--stdout", "--format", "json"]).status == 64)
    }

    @Test("a state file that does not decode: exit 74, what is wrong, nothing sent, the file left as it is")
    func badStateFile() async throws {
        let text = #"{"schema":"kymon.state/1","seq":1,"statuses":{}}"#
        let state = try KymonProcess.temporaryFile(text, name: "state.json")
        defer { KymonProcess.removeTemporaryFile(state) }
        let run = try await KymonProcess.run(["publish", "--from", history, "--stdout", "--on-change", "--state", state])
        #expect(run.status == 74)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(#"cannot read the state file '\#(state)': no "server" member; move it away to start fresh"#))
        #expect(try String(contentsOfFile: state, encoding: .utf8) == text)
    }

    @Test("an unreachable server exits 69")
    func unreachable() async throws {
        try await RefusingPort.withURL { url in
            let run = try await KymonProcess.run(["publish", "--server", url, "--stdout"])
            #expect(run.status == 69)
        }
    }

    @Test("--interval runs until SIGTERM, then exits 0")
    func daemon() async throws {
        let process = Process()
        process.executableURL = KymonProcess.binary
        process.arguments = ["publish", "--from", history, "--stdout", "--interval", "0.2"]
        let outputPath = try KymonProcess.temporaryFile("", name: "daemon.out")
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = FileHandle.nullDevice
        async let exited: Void = KymonProcess.runToExit(process)
        // Wait (bounded) for three rounds, however slow start-up is on a loaded machine.
        for _ in 0..<300 {
            try await Task.sleep(for: .milliseconds(50))
            let lines = (try? String(contentsOfFile: outputPath, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if lines >= 3 { break }
        }
        process.terminate()
        try await exited
        let data = try Data(contentsOf: URL(fileURLWithPath: outputPath))
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let seqs = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { String($0).jsonObject?["seq"] as? Int }
        #expect(seqs.count >= 3)
        #expect(seqs == Array(1...seqs.count))
    }

    @Test("--interval with the webhook down: each round's message waits in its outbox and all arrive in order once it is back")
    func daemonOutbox() async throws {
        let hook = try await FakeComfyUI.start(routes: ["/hook": .json("{}", status: 503)])
        let kymon = try RunningKymon(
            ["publish", "--from", history, "--channel", "webhook", "--interval", "0.2"],
            environment: ["KY_MONITOR_WEBHOOK_URL": hook.baseURL + "/hook", "KY_MONITOR_WEBHOOK_RETRIES": "0", "KY_MONITOR_WEBHOOK_BACKOFF_MS": "20"]
        )
        let status = try await kymon.run {
            // While the webhook is down only the oldest message is tried; the rounds go on queueing.
            try await kymon.waitUntil("refused attempts") { hook.requests.count >= 3 }
            try await Task.sleep(for: .milliseconds(800))
            hook.setRoute("/hook", .json("{}"))
            try await kymon.waitUntil("later rounds delivered") { (Self.seqs(hook.requests).max() ?? 0) >= 6 }
            kymon.signal(SIGTERM)
        }
        #expect(status == 0)
        var firstSeen: [Int] = []
        for seq in Self.seqs(hook.requests) where !firstSeen.contains(seq) { firstSeen.append(seq) }
        #expect(firstSeen == Array(1...firstSeen.count), "every round's message arrived, in order")
        #expect(kymon.stderr.contains("channel webhook is down"))
        try await hook.stop()
    }

    private static func seqs(_ requests: [FakeComfyUI.Request]) -> [Int] {
        requests.compactMap { String(decoding: $0.body, as: UTF8.self).jsonObject?["seq"] as? Int }
    }

    @Test("replay --channel publishes the replayed dump")
    func replayToChannel() async throws {
        let run = try await KymonProcess.run(["replay", history, "--channel", "stdout", "--status", "failed"])
        #expect(run.status == 0)
        let document = try #require(run.stdout.jsonObject)
        #expect(document["seq"] as? Int == 1)
        #expect((document["items"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "failed" } == true)
    }

    @Test("doctor: server version, optional bridge, selected channels")
    func doctor() async throws {
        try await FakeComfyUI.with(routes: ["/system_stats": try capture("s00-idle-baseline/05-system-stats.json")]) { server in
            let plain = try await KymonProcess.run(["doctor", "--server", server.baseURL, "--stdout"])
            #expect(plain.status == 0, "\(plain.stdout)\(plain.stderr)")
            #expect(plain.stdout.contains("[ok] ComfyUI \(server.baseURL): answers, version 0.8.0"))
            #expect(plain.stdout.contains("[-] bridge: not usable (optional; the comfyui channel needs it): the kymon bridge is not installed"))
            #expect(plain.stdout.contains("[ok] channel stdout"))
            let bridge = try await KymonProcess.run(["doctor", "--server", server.baseURL, "--channel", "comfyui"])
            #expect(bridge.status == 1)
            #expect(bridge.stdout.contains("[FAIL] channel comfyui: the kymon bridge is not installed"))
        }
        let down = try await KymonProcess.run(["doctor", "--server", "http://127.0.0.1:9", "--stdout", "--timeout", "2"])
        #expect(down.status == 1)
        #expect(down.stdout.contains("[FAIL] ComfyUI http://127.0.0.1:9"))
    }
}

/// `publish` into the real redis-server that scripts/test starts (KYMON_TEST_REDIS_URL).
@Suite("kymon publish to a real Redis (black box)", .serialized)
struct RedisPublishTests {
    private static let url = ProcessInfo.processInfo.environment["KYMON_TEST_REDIS_URL"]
    private static let required = ProcessInfo.processInfo.environment["CI"] == "true"

    private func redisCLI(_ arguments: [String]) async throws -> String {
        let url = try #require(Self.url)
        let port = try #require(url.split(separator: ":").last?.split(separator: "/").first.map(String.init))
        let output = try KymonProcess.temporaryFile("", name: "redis-cli.out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["redis-cli", "-p", port] + arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        try await KymonProcess.runToExit(process)
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    @Test("stream mode: the snapshot lands in the stream with its seq", .enabled(if: url != nil || required))
    func streamMode() async throws {
        let url = try #require(Self.url, "scripts/test starts redis-server and sets KYMON_TEST_REDIS_URL")
        let stream = "kymon-test-\(UUID().uuidString)"
        let run = try await KymonProcess.run(
            ["publish", "--from", KymonProcess.fixture("history.json"), "--channel", "redis"],
            environment: ["KY_MONITOR_REDIS_URL": url, "KY_MONITOR_REDIS_MODE": "stream", "KY_MONITOR_REDIS_CHANNEL_NAME": stream]
        )
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try await redisCLI(["XLEN", stream]).trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        let entry = try await redisCLI(["--raw", "XRANGE", stream, "-", "+"])
        #expect(entry.contains("\"schema\":\"kymon.snapshot/1\""))
        #expect(entry.contains("\"seq\":1"))
        _ = try await redisCLI(["DEL", stream])
    }

    @Test("doctor reaches Redis; a wrong port fails with the address", .enabled(if: url != nil || required))
    func doctor() async throws {
        let url = try #require(Self.url)
        let ok = try await KymonProcess.run(["doctor", "--server", "http://127.0.0.1:9", "--timeout", "1", "--channel", "redis"], environment: ["KY_MONITOR_REDIS_URL": url])
        #expect(ok.stdout.contains("[ok] channel redis: PONG from redis"))
        let wrong = try await KymonProcess.run(["publish", "--from", KymonProcess.fixture("queue.json"), "--channel", "redis"], environment: ["KY_MONITOR_REDIS_PORT": "9", "KY_MONITOR_REDIS_RETRIES": "0", "KY_MONITOR_REDIS_TIMEOUT_SECONDS": "1"])
        #expect(wrong.status == 75)
        #expect(wrong.stderr.contains("localhost:9"))
    }
}
