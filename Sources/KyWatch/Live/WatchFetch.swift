import KyQuery

/// The HTTP reads of the steady state (socket up, server answering): `/queue` and the due
/// `/history/{id}` lookups. They run beside the processing loop, so socket messages are handled
/// while a slow server answers; the answer comes back as one input and is applied there.
struct WatchFetch: Sendable {
    /// Whether to read the queue.
    var readsQueue: Bool
    /// Prompts whose history entry to ask for, soonest due first.
    var lookups: [String]
    /// The state when the fetch began: whether job summaries leave something out is judged on it.
    /// A copy a moment old only errs towards reading the full `/queue`.
    var state: ServerState
    /// Whether the running prompt's graph is wanted (with the bridge, for progress).
    var wantsGraphs: Bool
    /// Whether `/api/jobs` job summaries answered last time; nil until tried.
    var summariesAvailable: Bool?
    /// Whether to ask for the newest finished jobs after the queue (without the bridge).
    var readsRecentJobs: Bool
    /// Counts the loop's own queue reads; an answer from before one of them is stale.
    var queueEpoch: Int

    /// What one lookup found.
    enum LookupOutcome: Sendable {
        case entry(PromptInfo)
        /// No entry yet.
        case noEntry
        /// A 404 or 400: an id the server or a proxy does not know; no entry, not an outage.
        case unknownID(LiveSourceError)
        case failed(any Error)
    }

    /// What came back.
    struct Answer: Sendable {
        var queueEpoch: Int
        /// Prompts active when the fetch began: only these can have left the queue by its answer.
        var activeAtStart: Set<String>
        var queue: Result<LiveSource.QueueView, any Error>?
        var summariesAvailable: Bool?
        var recentJobs: Result<[String], any Error>?
        /// In the order asked; stops after the first failure.
        var lookups: [(id: String, outcome: LookupOutcome)] = []
    }

    func run(source: LiveSource, options: DecodeOptions) async -> Answer {
        var answer = Answer(queueEpoch: queueEpoch, activeAtStart: state.activeIDs, summariesAvailable: summariesAvailable)
        if readsQueue {
            do {
                answer.queue = .success(try await readQueue(source: source, options: options, summariesAvailable: &answer.summariesAvailable))
                if readsRecentJobs {
                    do {
                        answer.recentJobs = .success(try await source.readRecentlyFinishedIDs(limit: 5, options: options))
                    } catch {
                        answer.recentJobs = .failure(error)
                    }
                }
            } catch {
                answer.queue = .failure(error)
                return answer
            }
        }
        for id in lookups {
            do {
                if let info = try await source.readHistoryEntry(id: id, options: options) {
                    answer.lookups.append((id, .entry(info)))
                } else {
                    answer.lookups.append((id, .noEntry))
                }
            } catch let error as LiveSourceError where error.isNotFound {
                answer.lookups.append((id, .unknownID(error)))
            } catch {
                answer.lookups.append((id, .failed(error)))
                break
            }
        }
        return answer
    }

    /// The queue, as job summaries when the server has them (a few hundred bytes per prompt), and
    /// from the full `/queue` (graphs and `extra_data`, often hundreds of KB per prompt) only when
    /// the summaries leave something out; older servers always get `/queue`.
    private func readQueue(source: LiveSource, options: DecodeOptions, summariesAvailable: inout Bool?) async throws -> LiveSource.QueueView {
        if summariesAvailable != false {
            do {
                let summaries = try await source.readQueueSummaries(options: options)
                summariesAvailable = true
                guard state.lacksDetails(summaries, wantGraphs: wantsGraphs) else { return summaries }
            } catch let error as LiveSourceError where error.isNotFound {
                summariesAvailable = false
            }
        }
        return try await source.readQueue(options: options)
    }
}

extension LiveSourceError {
    /// A 404 or 400: the server (or a proxy) has no such route or id; not an outage.
    var isNotFound: Bool { reason == .httpStatus(404) || reason == .httpStatus(400) }
}
