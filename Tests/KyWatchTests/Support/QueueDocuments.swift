import KyTestSupport

/// Small `/queue` answers and a `status` message of ComfyUI's shape, for watch tests.
enum QueueDocuments {
    static let idle = #"{"queue_running": [], "queue_pending": []}"#

    /// A `status` broadcast: the queue changed.
    static let status = #"{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 2}}}}"#

    /// A minimal queue item of ComfyUI's shape.
    static func item(_ number: Int, _ id: String) -> String {
        #"[\#(number), "\#(id)", {"1": {"class_type": "EmptyImage", "inputs": {}}}, {"create_time": 1795973000000}, ["1"]]"#
    }

    /// A `/queue` answer with these items, sent after `delay`.
    static func queue(running: [String] = [], pending: [String] = [], delay: Duration = .zero) -> FakeComfyUI.Response {
        .json(#"{"queue_running": [\#(running.joined(separator: ","))], "queue_pending": [\#(pending.joined(separator: ","))]}"#, delay: delay)
    }
}

extension FakeComfyUI {
    /// A server with nothing queued and an empty history, for a watcher to start on.
    static func idleForWatch() async throws -> FakeComfyUI {
        try await start(routes: [
            "/queue": .json(QueueDocuments.idle),
            "/history?max_items=100": .json("{}"),
            "/history?max_items=20": .json("{}"),
            "/system_stats": Response(body: try Streams.bytes("s00-idle-baseline", "http/05-system-stats.json")),
        ])
    }
}
