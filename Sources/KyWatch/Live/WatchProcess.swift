import KyQuery
import Logging

/// The serial heart of a `ServerWatcher`: applies inputs to the server's state, does the HTTP
/// reads they call for, and hands events and views to the output.
struct WatchProcess {
    private let watcher: ServerWatcher
    private var state = ServerState()
    private var view: ServerPanel
    private var throttle: ProgressThrottle
    /// Whether the server answered HTTP at the last try; nil before the first.
    private var reachable: Bool?
    private var socketOpen = false
    /// Why the socket last went down, while it is down.
    private var socketDownReason: String?
    private var synced = false
    /// When a `status` message asked for a fresh `/queue`.
    private var queueDirtySince: Int64?
    private var lastQueueRead: Int64 = 0
    /// True once `/queue` answered, so queue counts mean something.
    private var queueKnown = false
    private var nextPoll: Int64 = 0
    /// `/history/{id}` lookups: id → (attempt, due time, whether the prompt left the queue).
    private var lookups: [String: Lookup] = [:]
    /// Set after a restart is seen: prompts without history are `lost`, not `removed`.
    private var restartSeen = false
    private var lastHistoryCount: Int?
    /// Whether `/api/jobs` answers; nil until tried.
    private var jobsAvailable: Bool?
    /// Whether the queue can be read as job summaries (`/api/jobs?status=in_progress,pending`); nil until tried.
    private var summariesAvailable: Bool?
    /// The view last handed to the output.
    private var shownView: ServerPanel?
    /// A fetch planned by the last input, for the loop to start.
    private var plannedFetch: WatchFetch?
    /// True from planning a fetch until its answer is applied.
    private var fetchInFlight = false
    /// Counts queue reads made in the loop itself, so a fetch's older answer is not applied after one.
    private var queueEpoch = 0

    struct Lookup {
        var attempt: Int
        var due: Int64
        /// True when the prompt left the queue: no history means it was removed (or lost).
        var departed: Bool
    }

    init(watcher: ServerWatcher) {
        self.watcher = watcher
        view = ServerPanel(url: watcher.source.server.redacted)
        throttle = ProgressThrottle(perSecond: watcher.settings.progressEventsPerSecond)
        // Give the socket a moment to open before falling back to polling.
        nextPoll = Timestamp.now() + watcher.settings.socketGrace.inMilliseconds
    }

    private var logger: Logger { watcher.logger }
    private var source: LiveSource { watcher.source }
    private var options: DecodeOptions { watcher.options }

    mutating func handle(_ input: ServerWatcher.Input) async {
        let now = Timestamp.now()
        var changes: [ServerState.Change] = []
        switch input {
        case .socketUp:
            socketOpen = true
            socketDownReason = nil
            view.connection = .connected
            changes += await resync(now: now)
        case .socketDown(let reason):
            let wasOpen = socketOpen
            socketOpen = false
            socketDownReason = reason
            if reachable != false { view.connection = .polling(reason: reason) }
            if wasOpen || !synced { nextPoll = now }
        case .frame(let bytes):
            changes += apply(frame: bytes, now: now)
        case .fetched(let answer):
            fetchInFlight = false
            changes += apply(answer, now: now)
            if lookups.isEmpty { restartSeen = false }
        case .tick:
            // Idle (no timer due, nothing running, pending or held back): nothing can have changed.
            guard timersDue(now: now) || state.hasActivePrompts || throttle.isHolding else {
                if lookups.isEmpty { restartSeen = false }
                return
            }
            changes += await runTimers(now: now)
        }
        publish(changes, now: now)
    }

    // MARK: - Inputs

    private mutating func apply(frame bytes: [UInt8], now: Int64) -> [ServerState.Change] {
        let event: ComfyEvent
        do {
            event = try ComfyEvent.decode(bytes, name: view.url + "/ws", options: options)
        } catch {
            logger.notice("ignoring a malformed socket message: \(error)")
            return []
        }
        let followup = state.apply(event, now: now)
        if followup.queueChanged, queueDirtySince == nil { queueDirtySince = now }
        if let id = followup.confirm, lookups[id] == nil { lookups[id] = Lookup(attempt: 0, due: now + delay(0), departed: false) }
        return followup.changes
    }

    /// True when the socket is up and nothing is in flight: no prompt running or pending, no queue
    /// read or history lookup waiting, no progress held back. Then only the quiet refresh, a minute
    /// apart, can come due. (While the socket is down, polls keep the busy pace.)
    var isIdle: Bool {
        socketOpen && synced && reachable != false && !state.hasActivePrompts && !throttle.isHolding && lookups.isEmpty && queueDirtySince == nil
            && !fetchInFlight
    }

    /// The fetch the last input planned, once; the loop runs it and hands back its answer.
    mutating func takeFetch() -> WatchFetch? {
        defer { plannedFetch = nil }
        return plannedFetch
    }

    /// True when ``runTimers(now:)`` has something to do.
    private func timersDue(now: Int64) -> Bool {
        if !socketOpen || reachable == false, now >= nextPoll { return true }
        return queueReadDue(now: now) || lookups.values.contains { $0.due <= now }
    }

    /// True when a `status` message's debounce has run out, or (socket up) the quiet refresh is due.
    private func queueReadDue(now: Int64) -> Bool {
        if let since = queueDirtySince, now - since >= watcher.settings.queueDebounce.inMilliseconds { return true }
        return socketOpen && now - lastQueueRead >= watcher.settings.quietRefreshInterval.inMilliseconds
    }

    /// The lookups due by `now`, soonest first.
    private func dueLookups(now: Int64) -> [String] {
        lookups.filter { $0.value.due <= now }.sorted { $0.value.due < $1.value.due }.map(\.key)
    }

    private mutating func runTimers(now: Int64) async -> [ServerState.Change] {
        var changes: [ServerState.Change] = []
        if socketOpen, synced, reachable == true {
            // The steady state: reads go beside the loop, one fetch at a time.
            if !fetchInFlight { planFetch(now: now) }
            return []
        }
        if !socketOpen, now >= nextPoll {
            nextPoll = now + watcher.settings.pollInterval.inMilliseconds
            changes += synced ? await poll(now: now) : await resync(now: now)
        } else if reachable == false, now >= nextPoll {
            // The socket is up but an HTTP read failed: try again at the poll pace rather than
            // waiting for the next status message or the quiet refresh.
            nextPoll = now + watcher.settings.pollInterval.inMilliseconds
            changes += synced ? await readQueue(now: now) : await resync(now: now)
        } else if queueReadDue(now: now) {
            changes += await readQueue(now: now)
        }
        changes += await runLookups(now: now)
        return changes
    }

    // MARK: - Reads

    /// Plans the steady state's due reads (a debounced or quiet-refresh `/queue`, due lookups) as
    /// one fetch, if any is due.
    private mutating func planFetch(now: Int64) {
        let readsQueue = queueReadDue(now: now)
        let due = dueLookups(now: now)
        guard readsQueue || !due.isEmpty else { return }
        if readsQueue {
            queueDirtySince = nil
            lastQueueRead = now
        }
        plannedFetch = fetch(readsQueue: readsQueue, lookups: due)
        fetchInFlight = true
    }

    /// A fetch of the queue (with `readsQueue`) and of `lookups`, judged on the state as it is now.
    private func fetch(readsQueue: Bool, lookups: [String]) -> WatchFetch {
        WatchFetch(
            readsQueue: readsQueue, lookups: lookups, state: state, wantsGraphs: view.bridge == true, summariesAvailable: summariesAvailable,
            readsRecentJobs: view.bridge == false && socketOpen && jobsAvailable != false, queueEpoch: queueEpoch
        )
    }

    /// Applies a fetch's answer, whether it ran beside the loop or in it. A queue answer older than
    /// a queue read made in the loop meanwhile is dropped; history entries are facts and always count.
    private mutating func apply(_ answer: WatchFetch.Answer, now: Int64) -> [ServerState.Change] {
        var changes: [ServerState.Change] = []
        if let queue = answer.queue, answer.queueEpoch == queueEpoch {
            summariesAvailable = answer.summariesAvailable
            switch queue {
            case .success(let view):
                changes += apply(queue: view, now: now, departedAmong: answer.activeAtStart)
                if let recent = answer.recentJobs { noteRecentJobs(recent, now: now) }
            case .failure(let error):
                markDown(error, now: now)
                return changes
            }
        }
        for (id, outcome) in answer.lookups {
            guard let lookup = lookups[id] else { continue }
            switch outcome {
            case .entry(let info):
                lookups[id] = nil
                changes += state.apply(finished: info)
            case .noEntry:
                changes += retry(id, lookup, now: now)
            case .unknownID(let error):
                // A proxy's answer for an id it does not know (a bogus id from a garbled event): no entry, not an outage.
                logger.debug("no history entry for \(id): \(error)")
                changes += retry(id, lookup, now: now)
            case .failed(let error):
                markDown(error, now: now)
                return changes
            }
        }
        return changes
    }

    /// Start-up and after every reconnect: version, bridge, the history window, the queue.
    private mutating func resync(now: Int64) async -> [ServerState.Change] {
        do {
            async let version = source.readVersion()
            async let bridge = source.bridgeState()
            let history = try await source.readHistory(maxItems: watcher.settings.historyMaxItems, options: options)
            view.version = (try? await version) ?? view.version
            let prompts = await bridge
            view.bridge = prompts != nil
            var changes: [ServerState.Change] = []
            noteHistoryWindow(history.count)
            if synced {
                // Back after an outage: what finished meanwhile, oldest first.
                for info in history.reversed() { changes += state.apply(finished: info) }
            } else {
                state.baseline(history: history)
            }
            changes += await readQueue(now: now)
            if let prompts { changes += state.apply(bridge: prompts, now: now) }
            synced = true
            return changes
        } catch {
            markDown(error, now: now)
            return []
        }
    }

    /// While the socket is down: the queue and a small history window.
    private mutating func poll(now: Int64) async -> [ServerState.Change] {
        do {
            let history = try await source.readHistory(maxItems: watcher.settings.pollHistoryItems, options: options)
            noteHistoryWindow(history.count)
            var changes: [ServerState.Change] = []
            // Oldest first, so events keep the order things finished in.
            for info in history.reversed() { changes += state.apply(finished: info) }
            return changes + (await readQueue(now: now))
        } catch {
            markDown(error, now: now)
            return []
        }
    }

    /// Reads the queue in the loop (polling, retrying, re-syncing); an answer of a fetch beside the
    /// loop that is still out becomes stale.
    private mutating func readQueue(now: Int64) async -> [ServerState.Change] {
        queueDirtySince = nil
        lastQueueRead = now
        queueEpoch += 1
        return apply(await fetch(readsQueue: true, lookups: []).run(source: source, options: options), now: now)
    }

    /// Applies a queue answer; prompts it lacks are looked up, but only among `departedAmong`, the
    /// prompts known when the read began: one first seen on the socket meanwhile may simply be
    /// newer than the answer.
    private mutating func apply(queue: LiveSource.QueueView, now: Int64, departedAmong: Set<String>) -> [ServerState.Change] {
        queueKnown = true
        markUp(now: now)
        let (changes, departed, counterReset) = state.apply(queue: queue, now: now)
        if counterReset { noteRestart("its queue numbers started again") }
        for id in departed where lookups[id]?.departed != true && departedAmong.contains(id) {
            lookups[id] = Lookup(attempt: 0, due: now, departed: true)
        }
        return changes
    }

    /// Without the bridge, a prompt that is queued and finishes between two `/queue` reads never
    /// shows in the queue: the newest finished jobs (a small summary list) reveal it.
    private mutating func noteRecentJobs(_ recent: Result<[String], any Error>, now: Int64) {
        switch recent {
        case .success(let ids):
            jobsAvailable = true
            for id in ids where !state.knows(id) && lookups[id] == nil { lookups[id] = Lookup(attempt: 0, due: now, departed: false) }
        case .failure(let error as LiveSourceError) where error.isNotFound:
            logger.info("\(view.url) has no /api/jobs (before ComfyUI 0.6): prompts shorter than a /queue read can go unseen without the bridge")
            jobsAvailable = false
        case .failure(let error):
            logger.notice("reading recent jobs: \(error)")
        }
    }

    /// Asks `/history/{id}` for prompts that ended or left the queue, retrying briefly since the
    /// entry is written just after the prompt's last event.
    private mutating func runLookups(now: Int64) async -> [ServerState.Change] {
        let due = dueLookups(now: now)
        let changes = due.isEmpty ? [] : apply(await fetch(readsQueue: false, lookups: due).run(source: source, options: options), now: now)
        if lookups.isEmpty { restartSeen = false }
        return changes
    }

    /// No entry for `id` yet: asks again later, or gives up after the last delay.
    private mutating func retry(_ id: String, _ lookup: Lookup, now: Int64) -> [ServerState.Change] {
        let attempt = lookup.attempt + 1
        if attempt < watcher.settings.confirmationDelays.count {
            lookups[id] = Lookup(attempt: attempt, due: now + delay(attempt), departed: lookup.departed)
            return []
        }
        lookups[id] = nil
        // An ended prompt still in the queue is left to the next /queue read.
        return lookup.departed ? state.apply(missing: id, lost: restartSeen) : []
    }

    private func delay(_ attempt: Int) -> Int64 {
        let delays = watcher.settings.confirmationDelays
        return delays.isEmpty ? 0 : delays[min(attempt, delays.count - 1)].inMilliseconds
    }

    // MARK: - Server up and down

    /// A history window that comes back empty after one that had entries means a restart.
    private mutating func noteHistoryWindow(_ count: Int) {
        if let lastHistoryCount, lastHistoryCount > 0, count == 0 { noteRestart("its history is empty again") }
        lastHistoryCount = count
    }

    private mutating func noteRestart(_ why: String) {
        guard !restartSeen else { return }
        logger.notice("\(view.url) restarted (\(why)); prompts it no longer knows are reported lost")
        restartSeen = true
        state.resetNumbers()
    }

    private mutating func markUp(now: Int64) {
        if socketOpen { view.connection = .connected } else if case .down = view.connection { view.connection = .polling(reason: "the socket is down") }
        guard reachable != true else { return }
        if reachable == false { noteRestart("it was unreachable") }
        reachable = true
        let detail = WatchEvent.ServerDetail(version: view.version, bridge: view.bridge, reason: socketOpen ? nil : socketDownReason)
        emitEvents([WatchEvent(kind: .serverUp, server: view.url, at: now, detail: detail)], now: now)
    }

    private mutating func markDown(_ error: any Error, now: Int64) {
        nextPoll = max(nextPoll, now + watcher.settings.pollInterval.inMilliseconds)
        let reason = String(describing: error)
        view.connection = .down(reason: (error as? LiveSourceError)?.summary ?? reason)
        guard reachable != false else { return }
        reachable = false
        logger.warning("\(reason)")
        emitEvents([WatchEvent(kind: .serverDown, server: view.url, at: now, detail: WatchEvent.ServerDetail(reason: reason))], now: now)
    }

    // MARK: - Output

    private mutating func publish(_ changes: [ServerState.Change], now: Int64) {
        state.updateExpectedEnds(now: now)
        let events = changes.map { change in
            var info = change.info
            info.expectedEndTime = state.expectedEndTime(of: info.id) ?? info.expectedEndTime
            return WatchEvent(kind: change.kind, server: view.url, at: now, info: info)
        }
        emitEvents(events, now: now)
        emitEvents(throttle.due(now: now), now: now, throttled: true)
        let active = state.activeItems
        view.running = active.filter { $0.status == .running }
        view.pending = active.filter { $0.status == .pending }
        if queueKnown { view.queue = QueueCounts(running: view.running.count, pending: view.pending.count) }
        view.finished = state.finished
        view.lost = state.vanished
        if view != shownView {
            shownView = view
            watcher.emit(.panel(view))
        }
    }

    private mutating func emitEvents(_ events: [WatchEvent], now: Int64, throttled: Bool = false) {
        let ready = throttled ? events : throttle.admit(events, now: now)
        if !ready.isEmpty { watcher.emit(.events(ready)) }
    }
}
