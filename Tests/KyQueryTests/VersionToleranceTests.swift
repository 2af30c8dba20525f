import Testing
@testable import KyQuery

/// Shapes from older servers and clients (comfyui-api.md §6) decode without complaint.
@Suite("Version tolerance")
struct VersionToleranceTests {
    @Test("4-element queue items, float and negative numbers, extra elements, integer ids")
    func queueShapes() throws {
        let snapshot = try decodeText(#"""
            {"queue_running": [[7, 12345, {"1": {"class_type": "X"}}, {}]],
             "queue_pending": [[2.5, "b", {}, {"create_time": 1795973158490}, ["3"], "extra", {"more": 1}],
                               [-1, "a", {}, {}, []],
                               [2.5, "a2", {}, {}, []]]}
            """#)
        #expect(snapshot.items.map(\.id) == ["12345", "a", "a2", "b"])
        #expect(snapshot.items.map(\.queuePosition) == [nil, 1, 2, 3])
        #expect(snapshot.items[3].createTime == 1_795_973_158_490)
        #expect(String(decoding: snapshot.items[3].jsonBytes, as: UTF8.self).contains(#""number":2.5"#))
    }

    @Test("queue_pending is a heap, not sorted: positions come from (number, id)")
    func heapOrder() throws {
        let snapshot = try decodeText(#"{"queue_running": [], "queue_pending": [[1, "p1", {}, {}, []], [5, "p5", {}, {}, []], [2, "p2", {}, {}, []], [7, "p7", {}, {}, []], [6, "p6", {}, {}, []]]}"#)
        #expect(snapshot.items.map(\.id) == ["p1", "p2", "p5", "p6", "p7"])
        #expect(snapshot.items.map(\.queuePosition) == [1, 2, 3, 4, 5])
    }

    @Test("history entries without status, without timestamps, with status_str only")
    func historyShapes() throws {
        let snapshot = try decodeText(#"""
            {"old": {"prompt": [1, "old", {}, {}], "outputs": {}},
             "no-ts": {"prompt": [2, "no-ts", {}, {}, []], "status": {"status_str": "success", "completed": true, "messages": [["execution_start", {"prompt_id": "no-ts"}], ["execution_cached", {"nodes": []}]]}},
             "err": {"prompt": [3, "err", {"9": {"class_type": "Boom"}}, {}, []], "status": {"status_str": "error", "completed": false, "messages": []}},
             "lying": {"prompt": [4, "lying", {"5": {"class_type": "Sampler"}}, {}, []], "status": {"status_str": "success", "messages": [["execution_error", {"node_id": "5", "exception_type": "/x/custom_nodes/pkg.MyError", "exception_message": "bad\n", "traceback": [], "timestamp": 10}]]}},
             "nulls": {"prompt": null, "outputs": null, "status": null, "meta": null}}
            """#)
        #expect(snapshot.item("old")?.status == .completed)
        #expect(snapshot.item("no-ts")?.status == .completed)
        #expect(snapshot.item("no-ts")?.startTime == nil)
        #expect(snapshot.item("err")?.status == .failed)
        #expect(snapshot.item("err")?.error == nil)
        let lying = try #require(snapshot.item("lying"))
        #expect(lying.status == .failed)
        #expect(lying.error == ErrorInfo(type: "pkg.MyError", message: "bad", traceback: []))
        #expect(lying.currentNode == NodeReference(id: "5", type: "Sampler"))
        #expect(snapshot.item("nulls")?.status == .completed)
    }

    @Test("Comfy Cloud item shape: outputs at index 3, metadata at 4")
    func cloudShape() throws {
        let snapshot = try decodeText(#"{"queue_running": [[1, "c", {}, ["9"], {"create_time": 5}]], "queue_pending": []}"#)
        #expect(snapshot.items.first?.createTime == 5)
    }

    @Test("odd output items are skipped; only type output counts, at most 10")
    func outputs() throws {
        let files = (0..<12).map { #"{"filename": "f\#($0).png", "subfolder": "s", "type": "output"}"# }.joined(separator: ",")
        let snapshot = try decodeText(#"""
            {"x": {"prompt": [1, "x", {}, {}, []], "outputs": {"1": {"images": [\#(files)], "animated": [true], "text": ["hello"]},
             "2": {"images": [{"filename": "t.png", "subfolder": "", "type": "temp"}]}, "3": "weird"}}}
            """#)
        let outputs = try #require(snapshot.item("x")?.outputs)
        #expect(outputs.count == 10)
        #expect(outputs.first == "s/f0.png")
    }

    @Test("unknown job statuses are skipped with a warning")
    func unknownJobStatus() throws {
        var assembler = SnapshotAssembler()
        let reader = JSONReader(bytes: Array(#"{"jobs": [{"id": "j", "status": "teleported"}, {"id": "k", "status": "pending", "priority": 1}]}"#.utf8), documentName: "t")
        try DocumentDecoder.decode(from: reader, into: &assembler)
        #expect(assembler.count == 1)
        #expect(assembler.warnings.count == 1)
        #expect(assembler.warnings.first?.contains("teleported") == true)
    }

    @Test("jobs: cancelled is interrupted, failed with an error is failed")
    func jobStatuses() throws {
        let snapshot = try decodeText(#"""
            {"jobs": [{"id": "c", "status": "cancelled", "priority": 1, "execution_start_time": 10, "execution_end_time": 30},
                      {"id": "f", "status": "failed", "priority": 2, "execution_error": {"node_id": "4", "node_type": "N", "exception_type": "E", "exception_message": "m", "traceback": [], "timestamp": 50}}],
             "pagination": {"offset": 0, "limit": null, "total": 2, "has_more": false}}
            """#)
        #expect(snapshot.item("c")?.status == .interrupted)
        #expect(snapshot.item("c")?.durationMilliseconds == 20)
        #expect(snapshot.item("f")?.status == .failed)
        #expect(snapshot.item("f")?.endTime == 50)
        #expect(snapshot.item("f")?.currentNode == NodeReference(id: "4", type: "N"))
    }
}
