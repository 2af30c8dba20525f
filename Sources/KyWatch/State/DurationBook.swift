/// Recent run times per workflow, for ETAs: the median of the last few successful runs.
struct DurationBook: Sendable {
    /// Runs kept per workflow.
    static let samplesPerWorkflow = 20
    /// Workflows remembered; the least recently run is forgotten first.
    static let maximumWorkflows = 200

    private var samples: [String: [Int64]] = [:]
    private var recency: [String] = []

    /// Records that a run of `workflow` took `milliseconds`.
    mutating func record(_ milliseconds: Int64, for workflow: String) {
        guard milliseconds >= 0 else { return }
        var runs = samples[workflow] ?? []
        runs.append(milliseconds)
        if runs.count > Self.samplesPerWorkflow { runs.removeFirst(runs.count - Self.samplesPerWorkflow) }
        samples[workflow] = runs
        recency.removeAll { $0 == workflow }
        recency.append(workflow)
        if recency.count > Self.maximumWorkflows { samples[recency.removeFirst()] = nil }
    }

    /// The median run time of `workflow`, nil when it never ran.
    func median(for workflow: String?) -> Int64? {
        guard let workflow, let runs = samples[workflow], !runs.isEmpty else { return nil }
        let sorted = runs.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}
