import Logging
import Testing

@testable import KyChannels

/// A real `redis-server` killed (SIGKILL) in the middle of a stream of messages and started again,
/// with the channel behind an outbox as `watch` and `publish --interval` use it.
@Suite(
    "Redis faults",
    .serialized,
    .timeLimit(.minutes(3)),
    .enabled(if: RedisServerProcess.shouldRun, "redis-server not found; install redis-server or set REDIS_SERVER")
)
struct RedisFaultTests {
    private let logger = Logger(label: "redis-fault-test")

    private func outbox(for channel: RedisChannel) -> Outbox {
        // The channel retries connections itself; the outbox keeps the message until Redis is back.
        Outbox(
            route: .init(channel: channel, policy: ChannelPolicy(timeout: .seconds(15), retries: 0)), capacity: 20_000,
            maximumPause: .milliseconds(100), logger: logger
        )
    }

    @Test("stream mode: redis killed and restarted mid-stream; all 10,000 messages are in the stream afterwards, in order, at most the one in flight twice")
    func streamKeepsEverything() async throws {
        let server = try await RedisServerProcess.start(durable: true)
        var configuration = server.configuration
        configuration.mode = .stream
        configuration.channelName = "kymon-fault"
        configuration.streamMaxLength = 0
        configuration.retries = 1
        let channel = RedisChannel(configuration: configuration)
        let outbox = outbox(for: channel)
        let runner = Task { await outbox.run() }
        let total = 10_000
        for n in 1...total { await outbox.post(numbered(n)) }

        #expect(await eventually(within: .seconds(60)) { await outbox.statistics.delivered >= 2_000 })
        server.crash()
        #expect(await eventually { await outbox.statistics.delivered < total }, "the crash happened mid-stream")
        try await Task.sleep(for: .milliseconds(500))
        try await server.start()
        #expect(await eventually(within: .seconds(90)) { await outbox.statistics.waiting == 0 })
        await outbox.close()
        await runner.value
        #expect(await outbox.statistics == .init(delivered: total, rejected: 0, dropped: 0, waiting: 0))

        let reader = RedisTestClient(server.configuration)
        let reply = try await reader.command("XRANGE", "kymon-fault", "-", "+")
        let stored = numbers(Self.bodies(ofStreamEntries: reply))
        #expect(Set(stored) == Set(1...total), "every message is in the stream")
        #expect(stored.count - total <= 1, "at most the message in flight at the crash is stored twice (documented)")
        #expect(stored.indices.dropFirst().allSatisfy { stored[$0] >= stored[$0 - 1] }, "stream order follows send order")
        await reader.close()
        await channel.shutdown()
    }

    @Test("pub/sub mode: while redis is down messages wait; those published before a subscriber is back are counted; then delivery resumes by itself")
    func pubsubCountsAndResumes() async throws {
        let server = try await RedisServerProcess.start()
        var configuration = server.configuration
        configuration.channelName = "kymon-fault"
        configuration.retries = 0
        let channel = RedisChannel(configuration: configuration, logger: logger)
        let outbox = outbox(for: channel)
        let runner = Task { await outbox.run() }

        let before = RedisTestClient(server.configuration)
        try await before.subscribe(to: "kymon-fault")
        for n in 1...300 { await outbox.post(numbered(n)) }
        var heard: [Int] = []
        for _ in 1...300 { heard += numbers([ChannelMessage(body: try await before.nextMessage(), tag: "")]) }
        #expect(heard == Array(1...300))
        await before.close()

        server.crash()
        for n in 301...600 { await outbox.post(numbered(n)) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(await outbox.statistics.delivered == 300, "nothing goes out while redis is down")
        #expect(await outbox.statistics.waiting == 300)

        try await server.start()
        #expect(await eventually(within: .seconds(30)) { await outbox.statistics.waiting == 0 })
        #expect(channel.messagesWithoutSubscriber == 300, "the messages nobody could hear are counted")

        let after = RedisTestClient(server.configuration)
        try await after.subscribe(to: "kymon-fault")
        for n in 601...900 { await outbox.post(numbered(n)) }
        heard = []
        for _ in 1...300 { heard += numbers([ChannelMessage(body: try await after.nextMessage(), tag: "")]) }
        #expect(heard == Array(601...900), "delivery resumed by itself, in order")
        #expect(channel.messagesWithoutSubscriber == 300)

        await outbox.close()
        await runner.value
        #expect(await outbox.statistics == .init(delivered: 900, rejected: 0, dropped: 0, waiting: 0))
        await after.close()
        await channel.shutdown()
    }

    /// The `data` field of every entry of an `XRANGE` reply.
    private static func bodies(ofStreamEntries reply: RedisReply) -> [ChannelMessage] {
        guard case .array(let entries) = reply else { return [] }
        return entries.compactMap { entry in
            guard case .array(let parts) = entry, parts.count == 2, case .array(let fields) = parts[1], fields.count == 2,
                let body = fields[1].bytes
            else { return nil }
            return ChannelMessage(body: body, tag: "")
        }
    }
}
