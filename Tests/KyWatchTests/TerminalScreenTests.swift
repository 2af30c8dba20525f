import Foundation
import KyWatch
import Testing

/// Collects what a `TerminalScreen` writes, one entry per write.
private final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var writes: [String] = []

    func record(_ bytes: [UInt8]) {
        lock.withLock { writes.append(String(decoding: bytes, as: UTF8.self)) }
    }

    /// The writes since the last call.
    func take() -> [String] {
        lock.withLock {
            defer { writes = [] }
            return writes
        }
    }
}

@Suite("Terminal screen")
struct TerminalScreenTests {
    private let recorder = Recorder()

    private func makeScreen() -> TerminalScreen {
        let recorder = recorder
        return TerminalScreen { recorder.record($0) }
    }

    @Test("start enters the alternate screen and hides the cursor; nothing is drawn before")
    func start() {
        let screen = makeScreen()
        screen.draw(["early"])
        #expect(recorder.take().isEmpty)
        screen.start()
        #expect(recorder.take() == ["\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J"])
        screen.start()
        #expect(recorder.take().isEmpty)
    }

    @Test("only changed rows are rewritten, each frame in one write")
    func diffing() {
        let screen = makeScreen()
        screen.start()
        _ = recorder.take()

        screen.draw(["a", "b", "c"])
        #expect(recorder.take() == ["\u{1B}[1;1H\u{1B}[Ka\u{1B}[2;1H\u{1B}[Kb\u{1B}[3;1H\u{1B}[Kc\u{1B}[4;1H\u{1B}[J"])

        screen.draw(["a", "b", "c"])
        #expect(recorder.take().isEmpty)

        screen.draw(["a", "B", "c"])
        #expect(recorder.take() == ["\u{1B}[2;1H\u{1B}[KB"])

        screen.draw(["a", "B", "c", "d"])
        #expect(recorder.take() == ["\u{1B}[4;1H\u{1B}[Kd"])

        screen.draw(["a", "x"])
        #expect(recorder.take() == ["\u{1B}[2;1H\u{1B}[Kx\u{1B}[3;1H\u{1B}[J"])
    }

    @Test("invalidate redraws every row")
    func invalidate() {
        let screen = makeScreen()
        screen.start()
        screen.draw(["a", "b"])
        _ = recorder.take()
        screen.invalidate()
        screen.draw(["a", "b"])
        #expect(recorder.take() == ["\u{1B}[1;1H\u{1B}[Ka\u{1B}[2;1H\u{1B}[Kb\u{1B}[3;1H\u{1B}[J"])
    }

    @Test("finish restores the terminal once and ignores later frames")
    func finish() {
        let screen = makeScreen()
        screen.start()
        screen.draw(["a"])
        _ = recorder.take()
        screen.finish()
        #expect(recorder.take() == ["\u{1B}[?25h\u{1B}[?1049l"])
        screen.finish()
        screen.draw(["b"])
        screen.start()
        #expect(recorder.take().isEmpty)
    }

    @Test("finish before start writes nothing")
    func finishUnstarted() {
        let screen = makeScreen()
        screen.finish()
        screen.start()
        #expect(recorder.take().isEmpty)
    }
}
