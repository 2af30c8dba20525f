import AsyncHTTPClient
import KyTestSupport
import Logging
import Testing
@testable import KyQuery

/// Progress of a running prompt from the kymon bridge's `/kymon/state` and the queued graph.
@Suite("Bridge state and progress")
struct BridgeProgressTests {
    private let chain = WorkflowGraph(
        nodeTypes: ["1": "Load", "2": "Sampler", "3": "Save", "4": "Unused"],
        upstream: ["2": ["1"], "3": ["2"], "4": []],
        outputs: ["3"]
    )

    private func prompt(_ nodes: [String: BridgeRunningPrompt.NodeState], cached: [String] = []) -> BridgeRunningPrompt {
        BridgeRunningPrompt(promptID: "p", startedAt: 1, currentNode: nil, nodes: nodes, cached: cached)
    }

    @Test("finished nodes plus the running node's fraction, over the outputs' ancestors minus cached ones")
    func progress() {
        #expect(chain.requiredNodes() == ["1", "2", "3"])
        let halfway = prompt(["2": .init(value: 1, max: 1, state: "finished"), "3": .init(value: 5, max: 10, state: "running")], cached: ["1"])
        #expect(halfway.progress(in: chain) == 0.75)
        let start = prompt([:])
        #expect(start.progress(in: chain) == 0)
        let done = prompt(["1": .init(state: "finished"), "2": .init(state: "finished"), "3": .init(state: "finished")])
        #expect(done.progress(in: chain) == 0.99, "clamped below 1 until the prompt ends")
        let expanded = prompt(["2.0.1": .init(state: "finished", displayNodeID: "2")], cached: ["1"])
        #expect(expanded.progress(in: chain) == 0.5, "expanded nodes count for their graph node")
        #expect(prompt([:]).progress(in: WorkflowGraph()) == nil)
    }

    @Test("links are decoded from the queued graph of a running prompt")
    func graphFromQueue() throws {
        var assembler = SnapshotAssembler()
        let reader = JSONReader(bytes: try Captures.bytes("s02-slow-progress", "06-queue-1-running-2-pending.json"), documentName: "q")
        try DocumentDecoder.decode(from: reader, into: &assembler)
        let graph = try #require(assembler.graphs["d07fc154-16d2-401f-b3a0-9fe99733f155"])
        #expect(graph.outputs == ["3"])
        #expect(graph.upstream == ["1": [], "2": ["1"], "3": ["2"]])
        #expect(graph.nodeTypes["2"] == "KymonSlowNode")
        #expect(assembler.graphs.count == 1, "pending prompts keep no graph")
    }

    @Test("snapshot adds progress, current node and start time when the bridge is installed")
    func liveWithBridge() async throws {
        let state = #"""
            {"bridge": "kymon_bridge", "version": "1", "running": [{"prompt_id": "d07fc154-16d2-401f-b3a0-9fe99733f155",
             "started_at": 1795973158492, "current_node": {"id": "2", "display_node": "2"},
             "nodes": {"1": {"value": 1.0, "max": 1.0, "state": "finished", "node_id": "1", "display_node_id": "1"},
                       "2": {"value": 3.0, "max": 10.0, "state": "running", "node_id": "2", "display_node_id": "2"}},
             "cached": [], "progress": {"value": 3, "max": 10, "node": "2"}}]}
            """#
        let routes: [String: FakeComfyUI.Response] = [
            "/queue": FakeComfyUI.Response(body: try Captures.bytes("s02-slow-progress", "06-queue-1-running-2-pending.json")),
            "/history?max_items=100": FakeComfyUI.Response(body: try Captures.bytes("s00-idle-baseline", "03-history-empty.json")),
            "/kymon/state": .json(state),
        ]
        try await FakeComfyUI.with(routes: routes) { server in
            try await HTTPClient.withHTTPClient { client in
                let live = LiveSource(server: try ServerURL(server.baseURL), historyMaxItems: 100, client: client, timeout: .seconds(5), logger: Logger(label: "t"))
                let running = try #require(try await live.snapshot(options: DecodeOptions()).items.first)
                #expect(running.status == .running)
                #expect(running.currentNode == NodeReference(id: "2", type: "KymonSlowNode"))
                #expect(running.startTime == 1_795_973_158_492)
                let progress = try #require(running.progress)
                #expect(abs(progress - 1.3 / 3) < 1e-9)
                #expect(String(decoding: running.jsonBytes, as: UTF8.self).contains(#""progress":0.4333"#))
            }
        }
    }

    @Test("a broken bridge answer is ignored, not fatal")
    func brokenBridge() async throws {
        let routes: [String: FakeComfyUI.Response] = [
            "/queue": FakeComfyUI.Response(body: try Captures.bytes("s02-slow-progress", "06-queue-1-running-2-pending.json")),
            "/history?max_items=100": .json("{}"),
            "/kymon/state": .json("<html>", status: 200),
        ]
        try await FakeComfyUI.with(routes: routes) { server in
            try await HTTPClient.withHTTPClient { client in
                let live = LiveSource(server: try ServerURL(server.baseURL), historyMaxItems: 100, client: client, timeout: .seconds(5), logger: Logger(label: "t"))
                let running = try #require(try await live.snapshot(options: DecodeOptions()).items.first)
                #expect(running.progress == nil)
                #expect(running.currentNode == nil)
            }
        }
    }
}
