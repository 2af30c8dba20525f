import KyChannels
import Logging
import Testing

@Suite("Outbox", .timeLimit(.minutes(1)))
struct OutboxTests {
    private let quick = ChannelPolicy(timeout: .seconds(2), retries: 1, backoff: .milliseconds(5))
    private let logger = Logger(label: "outbox-test")

    private func outbox(_ channel: any Channel, capacity: Int = 100, policy: ChannelPolicy? = nil) -> Outbox {
        Outbox(route: .init(channel: channel, policy: policy ?? quick), capacity: capacity, maximumPause: .milliseconds(50), logger: logger)
    }

    @Test("while a channel is down its messages wait, then go out in order, each once, when it is back")
    func waitsWhileDown() async {
        let channel = SwitchableChannel(name: "down", isUp: false)
        let outbox = outbox(channel)
        let runner = Task { await outbox.run() }
        for n in 1...50 { await outbox.post(numbered(n)) }
        #expect(await eventually { channel.attempts >= 6 }, "the outbox keeps trying the head")
        #expect(channel.received.isEmpty)
        #expect(await outbox.statistics.waiting == 50)

        channel.setUp(true)
        #expect(await eventually { await outbox.statistics.delivered == 50 })
        #expect(numbers(channel.received) == Array(1...50))
        await outbox.close()
        await runner.value
        #expect(await outbox.statistics == .init(delivered: 50, rejected: 0, dropped: 0, waiting: 0))
    }

    @Test("a full outbox drops the oldest messages first, counts them, and keeps the newest in order")
    func dropsOldestWhenFull() async {
        let channel = SwitchableChannel(name: "small")
        let outbox = outbox(channel, capacity: 5)
        for n in 1...12 { await outbox.post(numbered(n)) }
        #expect(await outbox.statistics == .init(delivered: 0, rejected: 0, dropped: 7, waiting: 5))

        await outbox.close()
        await outbox.run()
        #expect(numbers(channel.received) == [8, 9, 10, 11, 12])
        #expect(await outbox.statistics == .init(delivered: 5, rejected: 0, dropped: 7, waiting: 0))
    }

    @Test("the message on its way to the channel is never the one dropped, and does not count against the capacity")
    func keepsTheHeadInFlight() async {
        let channel = RecordingChannel(name: "slow", behaviour: .stall(.seconds(60)))
        let outbox = Outbox(route: .init(channel: channel, policy: ChannelPolicy(timeout: .seconds(30), retries: 0)), capacity: 2, logger: logger)
        let runner = Task { await outbox.run() }
        await outbox.post(numbered(1))
        #expect(await eventually { channel.attempts == 1 })
        for n in 2...6 { await outbox.post(numbered(n)) }
        // 1 is being sent; 2, 3 and 4 made room for 5 and 6.
        #expect(await outbox.statistics == .init(delivered: 0, rejected: 0, dropped: 3, waiting: 3))
        runner.cancel()
        await runner.value
    }

    @Test("a message the channel refuses is counted and does not hold up the ones behind it")
    func refusedMessageIsSkipped() async {
        let channel = SwitchableChannel(name: "picky")
        let outbox = outbox(channel)
        await outbox.post(numbered(1))
        await outbox.post(numbered(2, #","poison":true"#))
        await outbox.post(numbered(3))
        await outbox.close()
        await outbox.run()
        #expect(numbers(channel.received) == [1, 3])
        #expect(await outbox.statistics == .init(delivered: 2, rejected: 1, dropped: 0, waiting: 0))
    }

    @Test("postAndWait reports a down channel at once after its first failed round; the message still goes out later")
    func postAndWaitWhileDown() async {
        let channel = SwitchableChannel(name: "down", isUp: false)
        let outbox = outbox(channel)
        let runner = Task { await outbox.run() }
        let first = await outbox.postAndWait(numbered(1))
        #expect(first.outcome == .failed("connection refused"))
        #expect(first.isRetriable)
        let clock = ContinuousClock()
        let start = clock.now
        let second = await outbox.postAndWait(numbered(2))
        #expect(second.outcome == .failed("connection refused"))
        #expect(clock.now - start < .seconds(1), "a known-down channel does not make the caller wait for another round")

        channel.setUp(true)
        await outbox.post(numbered(3))
        #expect(await eventually { numbers(channel.received) == [1, 2, 3] })
        await outbox.close()
        await runner.value
    }

    @Test("a hung channel does not delay another: the fast one delivers everything within less than one timeout of the hung one")
    func hungChannelIsolated() async {
        let hung = RecordingChannel(name: "hung", behaviour: .stall(.seconds(120)))
        let fast = RecordingChannel(name: "fast")
        // Long, so that a loaded machine cannot blur "not waiting" and "waiting once"; the test ends long before.
        let hungPolicy = ChannelPolicy(timeout: .seconds(30), retries: 0, backoff: .milliseconds(50))
        let dispatcher = Dispatcher(routes: [.init(channel: hung, policy: hungPolicy), .init(channel: fast, policy: quick)], logger: logger)
        let outboxes = Outboxes(dispatcher: dispatcher, capacity: 1000, maximumPause: .milliseconds(50), logger: logger)
        let runner = Task { await outboxes.run() }
        let clock = ContinuousClock()
        let start = clock.now
        for n in 1...200 { await outboxes.post(numbered(n)) }
        #expect(await eventually(within: .seconds(25)) { fast.received.count == 200 })
        #expect(clock.now - start < hungPolicy.timeout, "the fast channel must not wait for even one attempt of the hung one")
        #expect(numbers(fast.received) == Array(1...200))
        #expect(hung.received.isEmpty)

        // Stopping: the hung channel keeps its messages, and the statistics say so.
        await outboxes.close()
        runner.cancel()
        await runner.value
        let statistics = await outboxes.statistics()
        #expect(statistics.map(\.channel) == ["hung", "fast"])
        #expect(statistics[0].counts.waiting == 200)
        #expect(statistics[1].counts == .init(delivered: 200, rejected: 0, dropped: 0, waiting: 0))
    }

    @Test("after close nothing new is taken, and run() returns once the queue is empty")
    func closeDrains() async {
        let channel = SwitchableChannel(name: "ok")
        let outbox = outbox(channel)
        #expect(await outbox.post(numbered(1)))
        await outbox.close()
        #expect(await outbox.post(numbered(2)) == false)
        await outbox.run()
        #expect(numbers(channel.received) == [1])
        #expect(await outbox.postAndWait(numbered(3)).outcome == .failed("not sent: kymon is stopping"))
    }
}
