/// The parts of a live server `kymon watch` reads one at a time.
extension LiveSource {
    /// The queue's prompts (pending ones with positions) and the graphs of the running ones.
    public struct QueueView: Sendable {
        public var items: [PromptInfo]
        public var graphs: [String: WorkflowGraph]

        public init(items: [PromptInfo], graphs: [String: WorkflowGraph] = [:]) {
            self.items = items
            self.graphs = graphs
        }
    }

    /// `GET /queue`.
    public func readQueue(options: DecodeOptions) async throws -> QueueView {
        let assembler = try await assembled("/queue", options: options)
        return QueueView(items: try assembler.snapshot(source: "", generatedAt: 0).items, graphs: assembler.graphs)
    }

    /// The queue as job summaries, `GET /api/jobs?status=in_progress,pending` (ComfyUI 0.6+): ids,
    /// numbers, create times and UI workflow ids, without the graphs and `extra_data` that make
    /// `/queue` big. No graphs come back. Throws a 404 (or 400) on older servers.
    public func readQueueSummaries(options: DecodeOptions) async throws -> QueueView {
        let items = try await infos("/api/jobs?status=in_progress,pending", options: options)
        return QueueView(items: items.filter { !$0.status.isTerminal })
    }

    /// `GET /history?max_items=N`: the newest N finished prompts, newest first.
    public func readHistory(maxItems: Int, options: DecodeOptions) async throws -> [PromptInfo] {
        try await infos("/history?max_items=\(maxItems)", options: options)
    }

    /// `GET /history/{id}`: the finished prompt, or nil when the server has no entry for it (yet).
    public func readHistoryEntry(id: String, options: DecodeOptions) async throws -> PromptInfo? {
        var assembler = SnapshotAssembler()
        try await lookUp(id: id, into: &assembler, options: options)
        return try assembler.snapshot(source: "", generatedAt: 0).items.first { $0.id == id && $0.kind == .history }
    }

    /// The ids of the newest finished jobs, `GET /api/jobs?status=completed,failed&limit=N` (ComfyUI
    /// 0.6+; summaries only, no workflows, so it stays small). Throws a 404 on older servers.
    public func readRecentlyFinishedIDs(limit: Int, options: DecodeOptions) async throws -> [String] {
        try await infos("/api/jobs?status=completed,failed&limit=\(limit)", options: options).filter(\.status.isTerminal).map(\.id)
    }

    /// `comfyui_version` from `GET /system_stats`, nil when the server does not say.
    public func readVersion() async throws -> String? {
        try SystemStats.version(from: try await fetch("/system_stats"), documentName: server.redacted + "/system_stats")
    }

    /// GETs `path` and decodes the answer, whatever its shape.
    private func assembled(_ path: String, options: DecodeOptions) async throws -> SnapshotAssembler {
        var assembler = SnapshotAssembler()
        try decode(try await fetch(path), path: path, into: &assembler, options: options)
        return assembler
    }

    /// The infos of `path`'s answer, in contract order.
    private func infos(_ path: String, options: DecodeOptions) async throws -> [PromptInfo] {
        try await assembled(path, options: options).snapshot(source: "", generatedAt: 0).items
    }
}
