import Testing
@testable import KyQuery

/// Bad documents give a located error; what was decoded before the bad spot is kept.
@Suite("Malformed input")
struct MalformedInputTests {
    private func failure(_ text: String) -> (JSONSyntaxError?, Int) {
        var assembler = SnapshotAssembler()
        do {
            let reader = JSONReader(bytes: Array(text.utf8), documentName: "bad.json")
            try DocumentDecoder.decode(from: reader, into: &assembler)
            return (nil, assembler.count)
        } catch {
            return (error as? JSONSyntaxError, assembler.count)
        }
    }

    @Test(
        "wrong types and broken documents",
        arguments: [
            ("[]", "expected an object (a ComfyUI queue, history or jobs document), found an array"),
            ("\"text\"", "expected an object"),
            ("{\"queue_running\": 5}", "expected an array for queue_running"),
            ("{\"queue_running\": [5]}", "expected an array for a queue item"),
            ("{\"queue_running\": [[]]}", "empty queue item"),
            ("{\"queue_running\": [[1]]}", "ends before its prompt_id"),
            ("{\"queue_running\": [[\"x\", \"id\"]]}", "expected a number for the queue number"),
            ("{\"queue_running\": [[1, true]]}", "expected a string for the prompt_id"),
            ("{\"a\": 5}", "expected an object for the history entry 'a'"),
            ("{\"a\": {\"prompt\": 5}}", "expected an array for a queue item"),
            ("{\"a\": {\"status\": {\"messages\": 5}}}", "expected an array for status.messages"),
            ("{\"a\": {\"status\": {\"messages\": [[\"execution_start\", {\"timestamp\": \"soon\"}]]}}}", "expected a number for execution_start.timestamp"),
            ("{\"a\": {\"status\": {\"status_str\": 1}}}", "expected a string for status.status_str"),
            ("{\"jobs\": [{\"status\": \"pending\"}]}", "job without an id"),
            ("{\"error\": \"Job not found\"}", "error reply"),
            ("<html><body>502 Bad Gateway</body></html>", "expected a value, found '<'"),
            ("{\"a\": {\"prompt\": [1, \"a\"]}} trailing", "expected end of input"),
        ]
    )
    func located(text: String, message: String) throws {
        let (error, _) = failure(text)
        let located = try #require(error, "no error for \(text)")
        #expect(located.message.contains(message), "\(located)")
        #expect(located.document == "bad.json")
    }

    @Test("a truncated history keeps the entries before the cut")
    func truncated() throws {
        let bytes = try Captures.bytes("s09-final-snapshots", "01-history-all.json")
        let cut = Array(bytes.prefix(bytes.count / 2))
        var assembler = SnapshotAssembler()
        let reader = JSONReader(bytes: cut, documentName: "cut.json")
        #expect(throws: JSONSyntaxError.self) { try DocumentDecoder.decode(from: reader, into: &assembler) }
        #expect(assembler.count > 3)
        #expect(assembler.count < 18)
    }

    @Test("an empty file says so")
    func empty() throws {
        let (error, count) = failure("")
        #expect(error?.message == "unexpected end of input; expected a value")
        #expect(count == 0)
    }
}
