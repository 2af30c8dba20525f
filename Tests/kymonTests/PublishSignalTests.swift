import Foundation
import KyTestSupport
import Testing

/// `publish` stopped while a message is on its way: SIGTERM lets it finish or counts it, exits 0 and
/// leaves a whole state file; SIGKILL at any moment never leaves a torn one.
@Suite("kymon publish under SIGTERM and SIGKILL (black box)")
struct PublishSignalTests {
    private let history = KymonProcess.fixture("history.json")

    private func statePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kymon-state-\(UUID().uuidString).json").path
    }

    /// The state file, parsed; fails the test unless it is a whole `kymon.state/1` document.
    private func readState(_ path: String) throws -> (seq: Int, statuses: [String: String]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let document = try #require(text.jsonObject, "not JSON: \(text)")
        #expect(document["schema"] as? String == "kymon.state/1")
        #expect(document["server"] as? String == history)
        let seq = try #require(document["seq"] as? Int)
        let statuses = try #require(document["statuses"] as? [String: String])
        return (seq, statuses)
    }

    /// Runs `arguments` against a webhook that answers `status` after `delay`, sends SIGTERM once the
    /// first delivery is in flight, and returns the exit status, the process and the webhook's requests.
    private func terminateMidDelivery(
        _ arguments: [String], status: Int, delay: Duration = .seconds(3)
    ) async throws -> (Int32, RunningKymon, [FakeComfyUI.Request], Duration) {
        try await FakeComfyUI.with(routes: ["/hook": .json("{}", status: status, delay: delay)]) { server in
            let kymon = try RunningKymon(
                ["publish", "--from", history, "--channel", "webhook"] + arguments,
                environment: ["KY_MONITOR_WEBHOOK_URL": "\(server.baseURL)/hook", "KY_MONITOR_WEBHOOK_RETRIES": "0", "KY_MONITOR_LOG_LEVEL": "info"]
            )
            let clock = ContinuousClock()
            var signalled = clock.now
            let exit = try await kymon.run {
                try await kymon.waitUntil("the delivery in flight") { !server.requests.isEmpty }
                signalled = clock.now
                kymon.signal(SIGTERM)
            }
            return (exit, kymon, server.requests, clock.now - signalled)
        }
    }

    @Test("daemon: SIGTERM mid-delivery lets the delivery finish, records it, exits 0")
    func daemonFinishesInFlight() async throws {
        let state = statePath()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let (exit, kymon, requests, stopping) = try await terminateMidDelivery(["--interval", "0.2", "--state", state], status: 200)
        #expect(exit == 0, "\(kymon.stderr)")
        #expect(requests.count == 1, "no new round after SIGTERM")
        #expect(stopping < .seconds(10), "stops once the delivery is done, not after the grace period")
        #expect(kymon.stderr.contains("publish loop stopped after sending 1 message(s)"), "\(kymon.stderr)")
        #expect(!kymon.stderr.contains("not delivered"), "\(kymon.stderr)")
        let saved = try readState(state)
        #expect(saved.seq == 1)
        #expect(saved.statuses.count == 18, "the finished delivery is recorded")
    }

    @Test("daemon: a delivery in flight that fails stays in the outbox for its 10 s, then is counted per channel; exit 0 and a whole state file")
    func daemonCountsUndelivered() async throws {
        let state = statePath()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let (exit, kymon, requests, stopping) = try await terminateMidDelivery(["--interval", "0.2", "--state", state, "--on-change"], status: 500)
        #expect(exit == 0, "\(kymon.stderr)")
        #expect(requests.count >= 1)
        #expect(Set(requests.map { $0.body }).count == 1, "only the message of the one round is retried")
        #expect(stopping < .seconds(30), "the outbox's 10 s, not more")
        #expect(kymon.stderr.contains("channel webhook failed after 1 attempt(s)"), "\(kymon.stderr)")
        #expect(kymon.stderr.contains("publish loop stopped after sending 1 message(s)"), "\(kymon.stderr)")
        #expect(kymon.stderr.contains("channel webhook: 0 delivered, 1 not sent"), "\(kymon.stderr)")
        let saved = try readState(state)
        #expect(saved.seq == 1, "the sequence number is used up")
        #expect(saved.statuses.isEmpty, "nothing is recorded as sent, so the next run sends it again")
    }

    @Test("one shot: SIGTERM mid-delivery lets the delivery finish and exits 0 with the state written")
    func oneShotFinishesInFlight() async throws {
        let state = statePath()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let (exit, kymon, requests, stopping) = try await terminateMidDelivery(["--state", state, "--on-change"], status: 200)
        #expect(exit == 0, "\(kymon.stderr)")
        #expect(requests.count == 1)
        #expect(stopping < .seconds(10))
        #expect(kymon.stderr.contains("SIGTERM: finishing what is in flight"), "\(kymon.stderr)")
        #expect(!kymon.stderr.contains("not delivered"), "\(kymon.stderr)")
        let saved = try readState(state)
        #expect(saved.seq == 1)
        #expect(saved.statuses.count == 18)
    }

    @Test("one shot: a delivery in flight that fails after SIGTERM is named and counted; exit 0")
    func oneShotCountsUndelivered() async throws {
        let state = statePath()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let (exit, kymon, _, _) = try await terminateMidDelivery(["--state", state], status: 503)
        #expect(exit == 0, "\(kymon.stderr)")
        #expect(kymon.stderr.contains("kymon: channel webhook failed after 1 attempt(s)"), "\(kymon.stderr)")
        #expect(kymon.stderr.contains("kymon: stopped by SIGTERM: 1 message was not delivered (channels: webhook)"), "\(kymon.stderr)")
        #expect(try readState(state).seq == 1)
    }

    @Test("SIGKILL at random moments while the state is written every round never leaves a torn state file")
    func killedWhileWriting() async throws {
        let state = statePath()
        let folder = (state as NSString).deletingLastPathComponent
        let name = (state as NSString).lastPathComponent
        defer {
            try? FileManager.default.removeItem(atPath: state)
            for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where file.hasPrefix(name + ".tmp.") {
                try? FileManager.default.removeItem(atPath: "\(folder)/\(file)")
            }
        }
        var random = SplitMix64(seed: 0x5EED_57A7E)
        var lastSeq = 0
        var killedWithState = 0
        for _ in 0..<30 {
            let kymon = try RunningKymon(["publish", "--from", history, "--stdout", "--interval", "0.001", "--state", state])
            let pause = Duration.milliseconds(100 + random.below(400))
            _ = try await kymon.run {
                try await Task.sleep(for: pause)
                kymon.signal(SIGKILL)
            }
            guard FileManager.default.fileExists(atPath: state) else {
                #expect(lastSeq == 0, "the state file vanished after it had been written")
                continue
            }
            let saved = try readState(state)
            #expect(saved.seq >= lastSeq, "seq went back from \(lastSeq) to \(saved.seq)")
            #expect(saved.statuses.count == 18)
            if saved.seq > lastSeq { killedWithState += 1 }
            lastSeq = saved.seq
        }
        #expect(killedWithState >= 10, "too few runs got to write the state (\(killedWithState)); the test proved little")
    }
}
