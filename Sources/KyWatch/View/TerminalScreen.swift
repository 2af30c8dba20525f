import KyQuery
import NIOConcurrencyHelpers

/// Draws frames in place on a terminal, like `top`: in the alternate screen, with the cursor hidden, rewriting only
/// the rows that changed since the previous frame, each frame in a single write.
///
/// Lines must fit the terminal's width (see `WatchViewRenderer`): a wrapped line would shift the rows below it.
public final class TerminalScreen: Sendable {
    private enum Phase {
        case idle
        /// `previous` is nil when the next frame must be drawn whole.
        case active(previous: [String]?)
        case finished
    }

    private let output: @Sendable ([UInt8]) -> Void
    private let phase = NIOLockedValueBox(Phase.idle)

    /// A screen writing to `output`, which gets one call per frame.
    public init(output: @escaping @Sendable ([UInt8]) -> Void) {
        self.output = output
    }

    /// A screen on standard output; a frame that cannot be written (a closed terminal) is dropped.
    public convenience init() {
        self.init(output: { try? StandardOutput.write($0) })
    }

    /// Switches to the alternate screen and hides the cursor; nothing is drawn before.
    public func start() {
        phase.withLockedValue { phase in
            guard case .idle = phase else { return }
            phase = .active(previous: nil)
            output(Array("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J".utf8))
        }
    }

    /// Draws a frame: every row that differs from the previous frame is cleared and rewritten (cleared first, so a
    /// line as wide as the terminal keeps its last column), and the rows below the last line are cleared. An
    /// unchanged frame writes nothing.
    public func draw(_ lines: [String]) {
        phase.withLockedValue { phase in
            guard case .active(let previous) = phase else { return }
            phase = .active(previous: lines)
            var frame = ""
            for (index, line) in lines.enumerated() where previous.map({ index >= $0.count || $0[index] != line }) ?? true {
                frame += "\u{1B}[\(index + 1);1H\u{1B}[K" + line
            }
            if previous.map({ lines.count < $0.count }) ?? true {
                frame += "\u{1B}[\(lines.count + 1);1H\u{1B}[J"
            }
            if !frame.isEmpty { output(Array(frame.utf8)) }
        }
    }

    /// Makes the next frame draw every row, as after the terminal was resized.
    public func invalidate() {
        phase.withLockedValue { phase in
            if case .active = phase { phase = .active(previous: nil) }
        }
    }

    /// Shows the cursor and leaves the alternate screen. Safe to call more than once and from any thread; later
    /// frames are ignored.
    public func finish() {
        phase.withLockedValue { phase in
            defer { phase = .finished }
            guard case .active = phase else { return }
            output(Array("\u{1B}[?25h\u{1B}[?1049l".utf8))
        }
    }
}
