import NIOConcurrencyHelpers

/// Paces a watcher's timer ticks: every `busy` interval while anything is in flight (a prompt, a
/// pending read or retry, held-back progress), every `idle` interval otherwise, so an idle watcher
/// wakes rarely. Becoming busy ends an idle wait at once, so nothing waits for the slower pace.
final class TickPacer: Sendable {
    private struct State {
        var idle = false
        /// The ticker's wait for `busy`, while it waits.
        var waiter: CheckedContinuation<Void, Never>?
        /// Set when the current idle wait is over, so a late waiter does not wait again.
        var released = false
    }

    private let state = NIOLockedValueBox(State())

    /// Marks the watcher idle or busy.
    func setIdle(_ idle: Bool) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.idle = idle
            guard !idle else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Returns after `busy` while busy; while idle, after `idle` or as soon as the watcher is busy.
    func wait(busy: Duration, idle: Duration) async {
        let isIdle = state.withLockedValue { state in
            state.released = false
            return state.idle
        }
        guard isIdle else {
            try? await Task.sleep(for: busy)
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: idle) }
            group.addTask { await self.untilBusy() }
            await group.next()
            group.cancelAll()
            self.release()
        }
    }

    private func untilBusy() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLockedValue { state -> Bool in
                guard state.idle, !state.released else { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Ends the current idle wait's waiter, if it is still waiting.
    private func release() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.released = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
