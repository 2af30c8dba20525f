import KyChannels
import Logging
import Testing

@Suite("Dispatcher")
struct DispatcherTests {
    private let message = ChannelMessage(body: Array(#"{"schema":"kymon.snapshot/1"}"#.utf8), tag: "snapshot", keys: ["a"])
    private let quick = ChannelPolicy(timeout: .seconds(2), retries: 2, backoff: .milliseconds(10))

    @Test("every channel gets the same bytes; reports come back in route order")
    func fanOut() async {
        let first = RecordingChannel(name: "one")
        let second = RecordingChannel(name: "two")
        let dispatcher = Dispatcher(routes: [.init(channel: first, policy: quick), .init(channel: second, policy: quick)], logger: Logger(label: "t"))
        let reports = await dispatcher.deliver(message)
        #expect(reports.map(\.channel) == ["one", "two"])
        #expect(reports.allSatisfy { $0.isDelivered })
        #expect(first.received == [message])
        #expect(second.received == [message])
        await dispatcher.shutdown()
        #expect(first.isShutDown && second.isShutDown)
    }

    @Test("retriable failures are retried up to the limit; final ones are not")
    func retries() async {
        let flaky = RecordingChannel(name: "flaky", behaviour: .fail(times: 2, retriable: true))
        let broken = RecordingChannel(name: "broken", behaviour: .fail(times: 10, retriable: true))
        let refused = RecordingChannel(name: "refused", behaviour: .fail(times: 1, retriable: false))
        let routes = [flaky, broken, refused].map { Dispatcher.Route(channel: $0, policy: quick) }
        let reports = await Dispatcher(routes: routes, logger: Logger(label: "t")).deliver(message)
        #expect(reports[0] .isDelivered && reports[0].attempts == 3)
        #expect(reports[1].outcome == .failed("attempt 3 refused"))
        #expect(reports[1].attempts == 3)
        #expect(reports[2].outcome == .failed("attempt 1 refused"))
        #expect(reports[2].attempts == 1)
    }

    @Test("a hung channel delays the others by nothing and gives up after its own timeout")
    func hungChannel() async {
        let hung = RecordingChannel(name: "hung", behaviour: .stall(.seconds(120)))
        let fast = RecordingChannel(name: "fast")
        // A timeout long enough that a loaded machine (every suite at once on two cores) cannot blur
        // "not waiting" and "waiting once".
        let hungPolicy = ChannelPolicy(timeout: .seconds(10), retries: 0, backoff: .milliseconds(50))
        let clock = ContinuousClock()
        let start = clock.now
        let reports = await Dispatcher(
            routes: [.init(channel: hung, policy: hungPolicy), .init(channel: fast, policy: quick)],
            logger: Logger(label: "t")
        ).deliver(message)
        let elapsed = clock.now - start
        #expect(reports[1].isDelivered)
        #expect(reports[1].duration < hungPolicy.timeout, "the fast channel must not wait for even one attempt of the hung one")
        #expect(reports[0].outcome == .failed("no answer within 10.0 seconds"))
        #expect(reports[0].attempts == 1)
        #expect(elapsed >= .milliseconds(9950))
        #expect(elapsed < .seconds(40), "bounded by the hung channel's own policy, not its 120 s stall")
    }
}
