import Testing
@testable import KyWatch

/// An idle watcher ticks slowly, and wakes at once when it becomes busy. The other interval is
/// always 300 s and the bound 100 s, so a machine busy with the rest of the suite cannot fail them.
@Suite("Tick pacing")
struct TickPacerTests {
    @Test("busy: each wait lasts the busy interval")
    func busy() async {
        let pacer = TickPacer()
        let clock = ContinuousClock()
        let took = await clock.measure { await pacer.wait(busy: .milliseconds(50), idle: .seconds(300)) }
        #expect(took >= .milliseconds(50))
        #expect(took < .seconds(100))
    }

    @Test("idle: a wait lasts the idle interval when nothing happens")
    func idle() async {
        let pacer = TickPacer()
        pacer.setIdle(true)
        let clock = ContinuousClock()
        let took = await clock.measure { await pacer.wait(busy: .seconds(300), idle: .milliseconds(200)) }
        #expect(took >= .milliseconds(200))
        #expect(took < .seconds(100))
    }

    @Test("idle: becoming busy ends the wait at once", arguments: [0, 1, 20])
    func wakes(afterMilliseconds delay: Int) async {
        let pacer = TickPacer()
        pacer.setIdle(true)
        let clock = ContinuousClock()
        let took = await clock.measure {
            async let waited: Void = pacer.wait(busy: .milliseconds(100), idle: .seconds(300))
            try? await Task.sleep(for: .milliseconds(delay))
            pacer.setIdle(false)
            await waited
        }
        #expect(took < .seconds(100))
    }

    @Test("many idle waits in a row, each ended by its timeout, leave nothing waiting")
    func repeatedTimeouts() async {
        let pacer = TickPacer()
        pacer.setIdle(true)
        let clock = ContinuousClock()
        let took = await clock.measure {
            for _ in 0..<20 { await pacer.wait(busy: .seconds(60), idle: .milliseconds(1)) }
        }
        // A waiter left behind would hang a wait for good; a loaded machine only slows each one.
        #expect(took < .seconds(60))
    }
}
