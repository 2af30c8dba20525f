import Foundation
import KyChannels
import KyQuery
import Logging
import Testing

@Suite("Publisher and state file")
struct PublisherTests {
    private func snapshot(_ statuses: [(String, PromptStatus)]) -> Snapshot {
        Snapshot(source: "s", generatedAt: 0, queue: nil, items: statuses.map { PromptInfo(id: $0.0, kind: $0.1.isTerminal ? .history : .queue, status: $0.1) })
    }

    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kymon-state-\(UUID().uuidString).json").path
    }

    private func body(_ message: ChannelMessage) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any])
    }

    @Test("messages carry server and a rising seq")
    func sequence() async throws {
        let channel = RecordingChannel(name: "r")
        var publisher = try Publisher(delivery: Dispatcher(routes: [.init(channel: channel, policy: ChannelPolicy())], logger: Logger(label: "t")), server: "http://gpu:8188", statePath: nil)
        _ = try await publisher.publish(snapshot([("a", .running)]))
        _ = try await publisher.publish(snapshot([("a", .running)]))
        let bodies = try channel.received.map(body)
        #expect(bodies.map { $0["seq"] as? Int } == [1, 2])
        #expect(bodies.allSatisfy { $0["server"] as? String == "http://gpu:8188" && $0["schema"] as? String == "kymon.snapshot/1" })
        #expect(channel.received.first?.tag == "snapshot")
        #expect(channel.received.first?.keys == ["a"])
    }

    @Test("--on-change: only new and changed prompts; nothing when nothing changed; seq survives restarts")
    func onChange() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let channel = RecordingChannel(name: "r")
        let dispatcher = Dispatcher(routes: [.init(channel: channel, policy: ChannelPolicy())], logger: Logger(label: "t"))
        var first = try Publisher(delivery: dispatcher, server: "s", statePath: path, onlyChanges: true)
        let firstOutcome = try await first.publish(snapshot([("a", .running), ("b", .pending)]))
        guard case .sent(let items, let reports) = firstOutcome else {
            Issue.record("the first run sent nothing")
            return
        }
        #expect(items == 2)
        #expect(reports.allSatisfy { $0.isDelivered })
        var second = try Publisher(delivery: dispatcher, server: "s", statePath: path, onlyChanges: true)
        #expect(try await second.publish(snapshot([("a", .running), ("b", .pending)])) == .unchanged)
        _ = try await second.publish(snapshot([("a", .failed), ("b", .running), ("c", .pending)]))
        let bodies = try channel.received.map(body)
        #expect(bodies.count == 2)
        #expect((bodies[1]["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["a", "b", "c"])
        #expect(bodies.map { $0["seq"] as? Int } == [1, 2])
        _ = try await second.publish(snapshot([("a", .failed), ("b", .running), ("c", .pending)]))
        #expect(channel.received.count == 2, "a failure is sent once, not on every run")
        let saved = try PublishState.load(path: path, server: "s")
        #expect(saved.seq == 2)
        #expect(saved.statuses == ["a": "failed", "b": "running", "c": "pending"])
        #expect(!FileManager.default.fileExists(atPath: "\(path).tmp.\(getpid())"))
    }

    @Test("changes a channel did not accept are sent again next time")
    func failedDeliveryIsRetriedNextRun() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let down = RecordingChannel(name: "down", behaviour: .fail(times: 1, retriable: false))
        var publisher = try Publisher(delivery: Dispatcher(routes: [.init(channel: down, policy: ChannelPolicy(retries: 0))], logger: Logger(label: "t")), server: "s", statePath: path, onlyChanges: true)
        let outcome = try await publisher.publish(snapshot([("a", .failed)]))
        #expect(!outcome.allDelivered)
        let again = try await publisher.publish(snapshot([("a", .failed)]))
        #expect(again.allDelivered)
        #expect(down.received.count == 1)
        #expect(try PublishState.load(path: path, server: "s").seq == 2, "a failed send still uses up its seq")
    }

    @Test("--state without --on-change keeps seq across runs and sends everything")
    func stateWithoutOnChange() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let channel = RecordingChannel(name: "r")
        let dispatcher = Dispatcher(routes: [.init(channel: channel, policy: ChannelPolicy())], logger: Logger(label: "t"))
        for _ in 0..<2 {
            var publisher = try Publisher(delivery: dispatcher, server: "s", statePath: path)
            _ = try await publisher.publish(snapshot([("a", .running)]))
        }
        #expect(try channel.received.map(body).map { $0["seq"] as? Int } == [1, 2])
        #expect(throws: PublishStateError.self) { try Publisher(delivery: dispatcher, server: "other", statePath: path) }
        #expect(throws: PublishStateError.self) { try Publisher(delivery: dispatcher, server: "s", statePath: "/nonexistent-dir/state.json") }
    }

    @Test("a corrupt state file is reported, not overwritten")
    func corruptState() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: PublishStateError.self) { try PublishState.load(path: path, server: "s") }
        #expect(error?.description == "cannot read the state file '\(path)': not valid JSON; move it away to start fresh")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{not json")
    }

    @Test("a state file that is JSON but not a state says what is wrong", arguments: [
        (#"{"schema":"kymon.state/1","seq":1,"statuses":{}}"#, #"no "server" member"#),
        (#"{"schema":"kymon.state/1","server":"s","seq":"one","statuses":{}}"#, #""seq" has the wrong type"#),
    ])
    func wrongState(text: String, problem: String) throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: PublishStateError.self) { try PublishState.load(path: path, server: "s") }
        #expect(error?.description == "cannot read the state file '\(path)': \(problem); move it away to start fresh")
    }

    @Test("a state file that cannot be read gives the system's reason")
    func unreadableState() throws {
        let path = temporaryPath()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: PublishStateError.self) { try PublishState.load(path: path, server: "s") }
        #expect(error?.description == "cannot read the state file '\(path)': Is a directory; move it away to start fresh")
    }
}
