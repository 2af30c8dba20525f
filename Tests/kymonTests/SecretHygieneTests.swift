import Foundation
import KyTestSupport
import Testing

/// Plants distinct random secrets everywhere they can go (flags, environment, config file), runs every
/// command that can touch them at log level `trace`, and greps every output and the state file for them.
@Suite("secrets never leak (black box)")
struct SecretHygieneTests {
    /// The planted secrets by what they are, each a fresh random value.
    private struct Secrets {
        var values: [String: String] = [:]

        init() {
            for name in [
                "server password", "api key header", "comfyui token", "bridge token", "webhook secret", "webhook query token",
                "webhook password", "webhook header", "redis password", "wrong redis password", "rocketmq access key", "rocketmq secret key",
            ] {
                values[name] = "s" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            }
        }

        subscript(_ name: String) -> String { values[name]! }

        /// Every form a leak could take: the secrets, and the `Basic` credentials built from them.
        var forbidden: [String: String] {
            var forms = values
            forms["server basic auth"] = Data("kymon:\(self["server password"])".utf8).base64EncodedString()
            forms["webhook basic auth"] = Data("hook:\(self["webhook password"])".utf8).base64EncodedString()
            return forms
        }
    }

    private static let queued = #"{"queue_running": [], "queue_pending": [[7, "p-1", {"1": {"class_type": "EmptyImage", "inputs": {}}}, {"create_time": 1795973000000}, ["1"]]]}"#
    private static let redisRequired = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Everything a run left behind, labelled for the failure message.
    private final class Outputs {
        var texts: [(label: String, text: String)] = []

        func add(_ label: String, _ run: KymonProcess.Outcome) {
            texts.append(("\(label) stdout", run.stdout))
            texts.append(("\(label) stderr", run.stderr))
        }

        func add(_ label: String, _ kymon: RunningKymon) {
            texts.append(("\(label) stdout", kymon.stdout))
            texts.append(("\(label) stderr", kymon.stderr))
        }
    }

    @Test(
        "no planted secret appears in any output of config, doctor, snapshot, publish, watch or replay, or in the state file",
        .enabled(if: PasswordRedis.executable != nil || redisRequired)
    )
    func nothingLeaks() async throws {
        let secrets = Secrets()
        let redis = try await PasswordRedis(password: secrets["redis password"])
        let (refusing, refusedAddress) = try RefusingPort.open()
        defer { close(refusing) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("config.json").path
        let configText = """
            {
              "prompt_server_channel": {"token": "\(secrets["bridge token"])", "retries": 0},
              "webhook_channel": {"secret": "\(secrets["webhook secret"])", "headers": "X-Hook-Key: \(secrets["webhook header"])", "retries": 1, "backoff_ms": 10},
              "redis_channel": {"password": "\(secrets["redis password"])", "retries": 0, "timeout_seconds": 2},
              "rocketmq_channel": {"access_key": "\(secrets["rocketmq access key"])", "secret_key": "\(secrets["rocketmq secret key"])", "send_timeout_ms": 500}
            }
            """
        try Data(configText.utf8).write(to: URL(fileURLWithPath: config))
        chmod(config, 0o600)
        let state = folder.appendingPathComponent("state.json").path
        let query = "token=\(secrets["webhook query token"])"
        let fake = try await FakeComfyUI.start(routes: [
            "/queue": .json(Self.queued),
            "/history?max_items=100": .json("{}"),
            "/history?max_items=20": .json("{}"),
            "/system_stats": .json(#"{"system": {"comfyui_version": "0.8.0"}}"#),
            "/kymon/state": .json(#"{"running": []}"#),
            "/kymon/health": .json(#"{"ok": true}"#),
            "/kymon/emit": .json(#"{"ok": true}"#),
            "/hook?\(query)": .json("{}"),
            "/hook401?\(query)": .json(#"{"error": "bad signature"}"#, status: 401),
            "/hook500?\(query)": .json("{}", status: 500),
        ])
        let port = fake.port
        func webhook(_ path: String) -> String { "http://hook:\(secrets["webhook password"])@127.0.0.1:\(port)/\(path)?\(query)" }
        let serverFlags = [
            "--config", config, "--log-level", "trace",
            "--server", "http://kymon:\(secrets["server password"])@127.0.0.1:\(port)", "--header", "X-Api-Key: \(secrets["api key header"])",
        ]
        let environment = [
            "KY_MONITOR_LOG_LEVEL": "trace",
            "KY_MONITOR_COMFYUI_TOKEN": secrets["comfyui token"],
            "KY_MONITOR_WEBHOOK_URL": webhook("hook"),
            "KY_MONITOR_REDIS_URL": "redis://:\(secrets["redis password"])@127.0.0.1:\(redis.port)/0",
            "KY_MONITOR_ROCKETMQ_NAMESRV_ADDR": refusedAddress,
            "KY_MONITOR_ROCKETMQ_ACCESS_KEY": secrets["rocketmq access key"],
        ]
        let failing = environment.merging([
            "KY_MONITOR_WEBHOOK_URL": webhook("hook401"),
            "KY_MONITOR_REDIS_URL": "redis://:\(secrets["wrong redis password"])@127.0.0.1:\(redis.port)/0",
        ]) { $1 }
        var failingByKeys = environment.merging([
            "KY_MONITOR_WEBHOOK_URL": webhook("hook500"),
            "KY_MONITOR_REDIS_HOST": "127.0.0.1", "KY_MONITOR_REDIS_PORT": String(redis.port), "KY_MONITOR_REDIS_PASSWORD": secrets["wrong redis password"],
        ]) { $1 }
        failingByKeys["KY_MONITOR_REDIS_URL"] = nil
        let allChannels = ["--channel", "comfyui", "--channel", "webhook", "--channel", "redis", "--channel", "stdout"]
        let outputs = Outputs()

        let shown = try await KymonProcess.run(["config"] + serverFlags, environment: environment)
        #expect(shown.status == 0, "\(shown.stderr)")
        outputs.add("config", shown)

        let doctor = try await KymonProcess.run(["doctor"] + serverFlags + allChannels + ["--channel", "rocketmq"], environment: environment)
        #expect(doctor.stdout.contains("[ok] channel redis"), "\(doctor.stdout)\(doctor.stderr)")
        #expect(doctor.stdout.contains("[FAIL] channel rocketmq"), "\(doctor.stdout)")
        outputs.add("doctor", doctor)

        let snapshot = try await KymonProcess.run(["snapshot", "--format", "json"] + serverFlags, environment: environment)
        #expect(snapshot.status == 0, "\(snapshot.stderr)")
        outputs.add("snapshot", snapshot)

        let published = try await KymonProcess.run(["publish", "--state", state] + serverFlags + allChannels, environment: environment)
        #expect(published.status == 0, "\(published.stderr)")
        outputs.add("publish", published)

        let refused = try await KymonProcess.run(["publish", "--state", state] + serverFlags + allChannels + ["--channel", "rocketmq"], environment: failing)
        #expect(refused.status == 75, "\(refused.stderr)")
        #expect(refused.stderr.contains("channel webhook failed") && refused.stderr.contains("channel redis failed") && refused.stderr.contains("channel rocketmq failed"))
        outputs.add("publish refused", refused)

        let erring = try await KymonProcess.run(["publish", "--state", state] + serverFlags + allChannels, environment: failingByKeys)
        #expect(erring.status == 75, "\(erring.stderr)")
        #expect(erring.stderr.contains("HTTP 500"), "\(erring.stderr)")
        outputs.add("publish 500", erring)

        let daemon = try RunningKymon(["publish", "--interval", "0.2", "--state", state] + serverFlags + allChannels, environment: environment)
        let daemonStatus = try await daemon.run {
            try await daemon.waitUntil("two rounds") { daemon.lines.count >= 2 }
            daemon.signal(SIGTERM)
        }
        #expect(daemonStatus == 0, "\(daemon.stderr)")
        outputs.add("publish --interval", daemon)

        let watch = try RunningKymon(["watch", "--format", "jsonl"] + serverFlags + ["--channel", "webhook", "--channel", "redis", "--channel", "comfyui"], environment: environment)
        let watchStatus = try await watch.run {
            try await watch.waitUntil("queued") { watch.lines.contains { $0["event"] as? String == "queued" } }
            try await Task.sleep(for: .milliseconds(500))
            watch.signal(SIGTERM)
        }
        #expect(watchStatus == 0, "\(watch.stderr)")
        outputs.add("watch", watch)

        let replay = try await KymonProcess.run(
            ["replay", KymonProcess.fixture("queue.json"), "--config", config, "--log-level", "trace", "--channel", "webhook", "--channel", "redis"], environment: failing
        )
        #expect(replay.status == 75, "\(replay.stderr)")
        outputs.add("replay --channel", replay)

        // Invalid values that hold secrets: the messages name the key, never the value.
        let badRedisURL = try await KymonProcess.run(
            ["publish", "--from", KymonProcess.fixture("queue.json"), "--channel", "redis"],
            environment: ["KY_MONITOR_REDIS_URL": "rediss://:\(secrets["redis password"])@127.0.0.1:\(redis.port)/0"]
        )
        #expect(badRedisURL.status == 78)
        outputs.add("bad redis url", badRedisURL)
        let badWebhookURL = try await KymonProcess.run(["config"], environment: ["KY_MONITOR_WEBHOOK_URL": "ftp://hook:\(secrets["webhook password"])@x/?\(query)"])
        #expect(badWebhookURL.status == 78)
        outputs.add("bad webhook url", badWebhookURL)
        let badServer = try await KymonProcess.run(["snapshot", "--server", "http://kymon:\(secrets["server password"])@127.0.0.1:99999"])
        #expect(badServer.status == 64)
        outputs.add("bad server url", badServer)

        outputs.texts.append(("state file", try String(contentsOfFile: state, encoding: .utf8)))
        for (label, text) in outputs.texts {
            for (name, secret) in secrets.forbidden {
                #expect(!text.contains(secret), "the \(name) appears in \(label): \(text.suffix(3000))")
            }
        }

        // The secrets were really used, so the runs above had them in hand.
        let requests = fake.requests
        let queue = try #require(requests.first { $0.target == "/queue" })
        #expect(queue.headers["x-api-key"] == secrets["api key header"])
        #expect(queue.headers["authorization"] == "Bearer \(secrets["comfyui token"])")
        let emit = try #require(requests.first { $0.target == "/kymon/emit" })
        #expect(emit.headers["x-kymon-token"] == secrets["bridge token"])
        let hook = try #require(requests.first { $0.target == "/hook?\(query)" })
        #expect(hook.headers["x-hook-key"] == secrets["webhook header"])
        #expect(hook.headers["authorization"] == "Basic \(secrets.forbidden["webhook basic auth"]!)")
        #expect(hook.headers["x-kymon-signature"]?.hasPrefix("sha256=") == true)
        try await fake.stop()
    }

    @Test("a config file holding a secret: mode 0644 draws one warning naming the file and chmod 600; 0600 none")
    func permissionWarning() async throws {
        let secret = "s" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let config = try KymonProcess.temporaryFile(#"{"webhook_channel": {"secret": "\#(secret)"}}"#, name: "config.json")
        defer { try? FileManager.default.removeItem(atPath: config) }
        chmod(config, 0o644)
        let open = try await KymonProcess.run(["config", "--config", config])
        #expect(open.status == 0)
        let warnings = open.stderr.split(separator: "\n").filter { $0.contains("warning") }
        #expect(warnings.count == 1, "\(open.stderr)")
        #expect(warnings.first?.contains("\(config) holds secrets (webhook_channel.secret) and can be read by other users; run chmod 600 \(config)") == true, "\(open.stderr)")
        #expect(!open.stderr.contains(secret) && !open.stdout.contains(secret))

        chmod(config, 0o600)
        let closed = try await KymonProcess.run(["config", "--config", config])
        #expect(closed.status == 0)
        #expect(closed.stderr.isEmpty, "\(closed.stderr)")
    }
}
