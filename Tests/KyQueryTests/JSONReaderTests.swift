import Testing
@testable import KyQuery

@Suite("JSONReader")
struct JSONReaderTests {
    private func value(_ text: String, bufferSize: Int = 1 << 20) throws -> JSONValue {
        let reader = JSONReader(source: MemoryByteSource(text), documentName: "t.json", bufferSize: bufferSize)
        let value = try reader.readValue()
        try reader.finish()
        return value
    }

    private func failure(_ text: String, bufferSize: Int = 1 << 20) -> JSONSyntaxError? {
        syntaxError {
            let reader = JSONReader(source: MemoryByteSource(text), documentName: "t.json", bufferSize: bufferSize)
            try reader.skipValue()
            try reader.finish()
        }
    }

    @Test("reads every kind of value, across buffer refills", arguments: [16, 17, 64, 1 << 20])
    func readsValues(bufferSize: Int) throws {
        let text = #" {"a": [1, -2.5e3, true, false, null], "b\u00e9": "x\"y\\z\n\u00e9\ud83d\ude00 ok", "c": {}} "#
        let parsed = try value(text, bufferSize: bufferSize)
        let expected = JSONValue.object([
            .init(key: "a", value: .array([.number(1), .number(-2500), .bool(true), .bool(false), .null])),
            .init(key: "bé", value: .string("x\"y\\z\né😀 ok")),
            .init(key: "c", value: .object([])),
        ])
        #expect(parsed == expected)
    }

    @Test("skips nested values and keeps reading after them", arguments: [16, 1 << 20])
    func skipsNestedValues(bufferSize: Int) throws {
        let reader = JSONReader(source: MemoryByteSource(#"{"skip": {"x": [[1], {"y": "}]"}]}, "keep": "yes"}"#), documentName: "t", bufferSize: bufferSize)
        try reader.beginObject()
        #expect(try reader.nextKey() == "skip")
        try reader.skipValue()
        #expect(try reader.nextKey() == "keep")
        #expect(try reader.readString() == "yes")
        #expect(try reader.nextKey() == nil)
        try reader.finish()
    }

    @Test("matches keys against candidates")
    func matchesKeys() throws {
        let reader = JSONReader(bytes: Array(#"{"status": 1, "other": 2, "prompt": 3}"#.utf8), documentName: "t")
        try reader.beginObject()
        var seen: [Int] = []
        while let index = try reader.nextKey(matching: ["prompt", "status"]) {
            seen.append(index)
            try reader.skipValue()
        }
        #expect(seen == [1, -1, 0])
    }

    @Test("cuts long strings at a character boundary")
    func cutsLongStrings() throws {
        let reader = JSONReader(bytes: Array(#""ééé""#.utf8), documentName: "t")
        #expect(try reader.readString(maximumBytes: 3) == "é")
    }

    @Test(
        "reports malformed input with line, column and what was expected",
        arguments: [
            ("{\"a\": 1,}", 1, 9, "expected a string key"),
            ("{\"a\": 1", 1, 8, "unexpected end of input"),
            ("[1, 2", 1, 6, "unexpected end of input"),
            ("{\"a\" 1}", 1, 6, "expected ':'"),
            ("[tru]", 1, 2, "invalid literal"),
            ("[01]", 1, 2, "malformed number"),
            ("[1.]", 1, 2, "malformed number"),
            ("[\"a\\x\"]", 1, 4, "invalid escape"),
            ("[\"\\ud800\"]", 1, 3, "lone high surrogate"),
            ("[\"\\udc00\"]", 1, 3, "lone low surrogate"),
            ("[\"a\tb\"]", 1, 4, "control character"),
            ("\n\n  [1] x", 3, 7, "expected end of input"),
            ("", 1, 1, "unexpected end of input; expected a value"),
            ("\u{FEFF}{}", 1, 1, "byte order mark"),
            ("[1 2]", 1, 4, "expected ',' or ']'"),
            ("{\"a\":\"\u{0}\"}", 1, 7, "control character"),
        ]
    )
    func reportsErrors(text: String, line: Int, column: Int, message: String) throws {
        for bufferSize in [16, 1 << 20] {
            let error = try #require(failure(text, bufferSize: bufferSize))
            #expect(error.line == line, "\(error)")
            #expect(error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix("t.json:\(line):\(column): "))
        }
    }

    @Test("rejects invalid UTF-8 inside strings", arguments: [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x80], [0xE2, 0x82]])
    func rejectsInvalidUTF8(sequence: [UInt8]) throws {
        let bytes = Array("[\"ok".utf8) + sequence + Array("\"]".utf8)
        let reader = JSONReader(bytes: bytes, documentName: "u.json")
        #expect(throws: JSONSyntaxError.self) { try reader.skipValue() }
    }

    @Test("refuses nesting deeper than the limit without recursion")
    func limitsDepth() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let error = try #require(failure(deep))
        #expect(error.message.contains("nesting deeper than \(JSONReader.maximumDepth)"))
    }

    @Test("counts lines across buffer refills")
    func countsLinesAcrossRefills() throws {
        let text = String(repeating: "\n", count: 100) + "  ]"
        let error = try #require(failure(text, bufferSize: 16))
        #expect(error.line == 101)
        #expect(error.column == 3)
    }

    @Test("a wrong type names what was expected")
    func typeErrors() throws {
        let reader = JSONReader(bytes: Array("[\"x\"]".utf8), documentName: "t")
        try reader.beginArray()
        _ = try reader.nextElement()
        #expect(throws: JSONSyntaxError(document: "t", line: 1, column: 2, message: "expected a number for the queue number, found a string")) {
            try reader.readNumber("the queue number")
        }
    }

    @Test("numbers out of range are refused where they are read")
    func hugeNumbers() throws {
        let reader = JSONReader(bytes: Array("1e999".utf8), documentName: "t")
        #expect(throws: JSONSyntaxError.self) { try reader.readNumber() }
        #expect(failure("[" + String(repeating: "9", count: 100_000) + "]") == nil)
    }
}
