import Testing
@testable import KyQuery

@Suite("Error text")
struct ErrorTextTests {
    @Test(
        "exception types lose their directory prefix",
        arguments: [
            ("ValueError", "ValueError"),
            ("/home/u/ComfyUI/custom_nodes/pkg.MyError", "pkg.MyError"),
            ("C:\\ComfyUI\\custom_nodes\\pkg.Err", "pkg.Err"),
            ("graph.DependencyCycleError", "graph.DependencyCycleError"),
        ]
    )
    func exceptionType(raw: String, expected: String) {
        #expect(ErrorText.exceptionType(raw) == expected)
    }

    @Test("messages are trimmed and cut to 500 characters with an ellipsis")
    func message() {
        #expect(ErrorText.message("  boom\n", maximumLength: 500) == "boom")
        let long = String(repeating: "é", count: 600)
        let cut = ErrorText.message(long, maximumLength: 500)
        #expect(cut.count == 500)
        #expect(cut.hasSuffix("…"))
    }

    @Test(
        "frames become dir/file.py, line N, in function",
        arguments: [
            ("  File \"/a/b/c/x.py\", line 12, in f\n    code()\n    ^^^^\n", "c/x.py, line 12, in f"),
            ("  File \"x.py\", line 3, in <module>\n", "x.py, line 3, in <module>"),
            ("  File \"C:\\Comfy\\nodes\\n.py\", line 9, in run\n", "nodes/n.py, line 9, in run"),
            ("  File \"/p/a, line 2.py\", line 7, in g\n", "p/a, line 2.py, line 7, in g"),
            ("something unusual\nsecond line", "something unusual"),
        ]
    )
    func frame(raw: String, expected: String) {
        #expect(ErrorText.frame(raw) == expected)
    }
}

@Suite("Timestamps")
struct TimestampTests {
    @Test(
        "UTC ISO-8601 with milliseconds",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000Z"),
            (Int64(1_795_973_158_490), "2026-11-29T17:25:58.490Z"),
            (Int64(951_782_400_001), "2000-02-29T00:00:00.001Z"),
            (Int64(-1), "1969-12-31T23:59:59.999Z"),
        ]
    )
    func iso(milliseconds: Int64, expected: String) {
        #expect(Timestamp.iso8601(milliseconds: milliseconds) == expected)
    }

    @Test("durations read well", arguments: [(Int64(42), "42ms"), (Int64(3011), "3.0s"), (Int64(125_000), "2m05s"), (Int64(7_440_000), "2h04m")])
    func duration(milliseconds: Int64, expected: String) {
        #expect(Timestamp.duration(milliseconds: milliseconds) == expected)
    }
}
