import Foundation
import KyTestSupport
import Testing

/// `kymon` against an `https://` fake ComfyUI whose certificate comes from a CA made for the test.
@Suite("kymon over TLS (black box)")
struct TLSCommandTests {
    private static let routes: [String: FakeComfyUI.Response] = [
        "/queue": .json(#"{"queue_running": [], "queue_pending": []}"#),
        "/history?max_items=100": .json("{}"),
        "/history?max_items=20": .json("{}"),
        "/system_stats": .json(#"{"system": {"comfyui_version": "0.8.0"}}"#),
    ]

    @Test("snapshot over https trusts the CA given with --ca-file; basic auth and --header go along")
    func snapshotWithCAFile() async throws {
        let certificates = try TestCertificates.make()
        let caFile = try KymonProcess.temporaryFile(certificates.authorityPEM, name: "ca.pem")
        try await FakeComfyUI.with(routes: Self.routes, tls: try certificates.serverConfiguration()) { server in
            let url = server.baseURL.replacingOccurrences(of: "://", with: "://admin:s%40cret@")
            let run = try await KymonProcess.run(["snapshot", "--server", url, "--ca-file", caFile, "--header", "X-Api-Key: k-1", "--format", "json"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.jsonObject?["source"] as? String == server.baseURL)
            #expect(run.stderr.isEmpty, "\(run.stderr)")
            #expect(!server.requests.isEmpty)
            #expect(server.requests.allSatisfy { $0.headers["authorization"] == "Basic YWRtaW46c0BjcmV0" && $0.headers["x-api-key"] == "k-1" })
            let byEnv = try await KymonProcess.run(["snapshot", "--format", "json"], environment: ["KY_MONITOR_COMFYUI_URL": server.baseURL, "KY_MONITOR_CA_FILE": caFile])
            #expect(byEnv.status == 0, "\(byEnv.stderr)")
        }
    }

    @Test("without the CA: exit 69, 'certificate not trusted', the URL without its credentials")
    func untrusted() async throws {
        let certificates = try TestCertificates.make()
        try await FakeComfyUI.with(routes: Self.routes, tls: try certificates.serverConfiguration()) { server in
            let url = server.baseURL.replacingOccurrences(of: "://", with: "://admin:hunter2@")
            let run = try await KymonProcess.run(["snapshot", "--server", url])
            #expect(run.status == 69)
            #expect(run.stderr.contains("kymon: no TLS connection to ComfyUI at \(server.baseURL)/"), "\(run.stderr)")
            #expect(run.stderr.contains("certificate not trusted"), "\(run.stderr)")
            #expect(!run.stderr.contains("hunter2") && run.stdout.isEmpty)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("--insecure reads the server anyway and warns once, naming it")
    func insecure() async throws {
        let certificates = try TestCertificates.make(hostNames: ["comfy.example"], ipAddresses: [])
        try await FakeComfyUI.with(routes: Self.routes, tls: try certificates.serverConfiguration()) { server in
            let run = try await KymonProcess.run(["snapshot", "--server", server.baseURL, "--insecure", "--log-level", "error", "--format", "json"])
            #expect(run.status == 0, "\(run.stderr)")
            let warnings = run.stderr.split(separator: "\n").filter { $0.contains("warning") && $0.contains("insecure") }
            #expect(warnings.count == 1, "\(run.stderr)")
            #expect(warnings.first?.contains(server.baseURL) == true)
            let byEnv = try await KymonProcess.run(["snapshot", "--server", server.baseURL], environment: ["KY_MONITOR_INSECURE": "1"])
            #expect(byEnv.status == 0 && byEnv.stderr.contains("insecure"), "\(byEnv.stderr)")
        }
    }

    @Test("a missing or invalid CA file is a configuration error (78) naming the file")
    func badCAFile() async throws {
        let missing = try await KymonProcess.run(["snapshot", "--server", "https://127.0.0.1:9", "--ca-file", "no-such-ca.pem"])
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("cannot read ca_file 'no-such-ca.pem': No such file or directory"), "\(missing.stderr)")
        let junk = try KymonProcess.temporaryFile("hello\n", name: "junk.pem")
        let invalid = try await KymonProcess.run(["watch", "--server", "https://127.0.0.1:9", "--format", "jsonl"], environment: ["KY_MONITOR_CA_FILE": junk])
        #expect(invalid.status == 78)
        #expect(invalid.stderr.contains("ca_file '\(junk)' holds no PEM certificate"), "\(invalid.stderr)")
    }

    @Test("watch --format jsonl over wss://: events from the socket; the token and --header reach HTTP and the upgrade")
    func watchOverWSS() async throws {
        let certificates = try TestCertificates.make()
        let caFile = try KymonProcess.temporaryFile(certificates.authorityPEM, name: "ca.pem")
        let fake = try await FakeComfyUI.start(routes: Self.routes, tls: try certificates.serverConfiguration())
        let kymon = try RunningKymon(
            ["watch", "--server", fake.baseURL, "--ca-file", caFile, "--header", "X-Api-Key: k-2", "--format", "jsonl"],
            environment: ["KY_MONITOR_COMFYUI_TOKEN": "tok-TLS-7"]
        )
        let status = try await kymon.run {
            try await kymon.waitUntil("server_up") { kymon.lines.contains { $0["event"] as? String == "server_up" } }
            try await kymon.waitUntil("the socket") { !fake.webSocketClientIDs.isEmpty }
            fake.setRoute("/queue", .json(#"{"queue_running": [], "queue_pending": [[7, "p-1", {"1": {"class_type": "EmptyImage", "inputs": {}}}, {"create_time": 1795973000000}, ["1"]]]}"#))
            await fake.sendText(#"{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}"#)
            try await kymon.waitUntil("queued") { kymon.lines.contains { $0["event"] as? String == "queued" } }
            kymon.signal(SIGTERM)
        }
        #expect(status == 0, "\(kymon.stderr)")
        #expect(kymon.lines.allSatisfy { $0["server"] as? String == fake.baseURL })
        let upgrade = try #require(fake.webSocketUpgradeHeaders.first)
        #expect(upgrade["authorization"] == "Bearer tok-TLS-7" && upgrade["x-api-key"] == "k-2")
        #expect(fake.requests.allSatisfy { $0.headers["authorization"] == "Bearer tok-TLS-7" && $0.headers["x-api-key"] == "k-2" })
        #expect(!kymon.stdout.contains("tok-TLS-7") && !kymon.stderr.contains("tok-TLS-7"))
        try await fake.stop()
    }

    @Test("watch with an untrusted certificate: server_down names the reason, and it keeps trying")
    func watchUntrusted() async throws {
        let certificates = try TestCertificates.make()
        let fake = try await FakeComfyUI.start(routes: Self.routes, tls: try certificates.serverConfiguration())
        let kymon = try RunningKymon(["watch", "--server", fake.baseURL, "--format", "jsonl", "--interval", "0.5"])
        let status = try await kymon.run {
            try await kymon.waitUntil("server_down") { kymon.lines.contains { $0["event"] as? String == "server_down" } }
            let attempts = fake.connectionCount
            try await kymon.waitUntil("more attempts") { fake.connectionCount >= attempts + 3 }
            kymon.signal(SIGTERM)
        }
        #expect(status == 0)
        let down = try #require(kymon.lines.first { $0["event"] as? String == "server_down" })
        let reason = (down["detail"] as? [String: Any])?["reason"] as? String
        #expect(reason?.contains("certificate not trusted") == true, "\(String(describing: reason))")
        try await fake.stop()
    }
}
