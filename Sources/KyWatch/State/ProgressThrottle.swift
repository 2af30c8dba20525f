/// Lets through at most `perSecond` progress events per prompt; the latest one held back goes out
/// when its turn comes, so the last value is never lost.
struct ProgressThrottle: Sendable {
    let interval: Int64
    private var lastSent: [String: Int64] = [:]
    private var held: [String: WatchEvent] = [:]

    /// True while some progress event waits for its turn.
    var isHolding: Bool { !held.isEmpty }

    /// `perSecond` ≤ 0 lets everything through.
    init(perSecond: Double) {
        interval = perSecond > 0 ? Int64(1000 / perSecond) : 0
    }

    /// The events to send now: progress events past their prompt's interval, and every other event
    /// (a prompt's other events flush its held progress first, to keep order).
    mutating func admit(_ events: [WatchEvent], now: Int64) -> [WatchEvent] {
        var out: [WatchEvent] = []
        for event in events {
            guard let id = event.info?.id else {
                out.append(event)
                continue
            }
            if event.kind == .progress, interval > 0 {
                if let last = lastSent[id], now - last < interval {
                    held[id] = event
                    continue
                }
                lastSent[id] = now
                held[id] = nil
                out.append(event)
            } else {
                if event.kind.endsPrompt {
                    held[id] = nil
                    lastSent[id] = nil
                } else if let pending = held.removeValue(forKey: id) {
                    out.append(pending)
                    lastSent[id] = now
                }
                out.append(event)
            }
        }
        return out
    }

    /// Held progress events whose interval has passed.
    mutating func due(now: Int64) -> [WatchEvent] {
        let ready = held.filter { id, _ in now - (lastSent[id] ?? .min) >= interval }
        for id in ready.keys {
            held[id] = nil
            lastSent[id] = now
        }
        return ready.values.sorted { $0.at < $1.at }
    }
}

extension WatchEvent.Kind {
    /// True for the events after which a prompt is no longer tracked.
    var endsPrompt: Bool {
        switch self {
        case .completed, .failed, .interrupted, .removed, .lost: return true
        default: return false
        }
    }
}
