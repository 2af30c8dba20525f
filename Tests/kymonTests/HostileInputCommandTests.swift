import Foundation
import KyTestSupport
import Testing

/// `kymon replay` on hostile documents: exit 65, `file:line:column: …expected…` on stderr, the
/// prompts before the bad spot on stdout, in bounded time and memory.
@Suite("kymon replay on hostile input (black box)")
struct HostileInputCommandTests {
    static func corpus(_ name: String) -> String {
        KymonProcess.packageRoot.appendingPathComponent("Tests/KyQueryTests/Hostile/\(name)").path
    }

    /// Far above what streaming needs (a few tens of MB), far below what reading a 100 MB input whole would take.
    static let memoryBound = 96 << 20
    static let timeBound: Duration = .seconds(60)

    static let goodIDs = ["aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"]

    @Test(
        "exit 65 naming file:line:column and what was expected; the good entries come first",
        arguments: [
            ("history-nesting-10000.json", "nesting deeper than 512 levels"),
            ("history-invalid-utf8-kept.json", "invalid UTF-8 inside a string"),
            ("history-lone-high-surrogate.json", "lone high surrogate"),
            ("history-nul-in-string.json", "control character byte 0x0"),
            ("queue-number-10000-digits.json", "number longer than 4096 characters"),
            ("jobs-id-boolean.json", "expected a string for job.id, found a boolean"),
        ]
    )
    func refused(file: String, message: String) async throws {
        let path = Self.corpus(file)
        let run = try await MeasuredRun.run(["replay", "--format", "jsonl", path])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("kymon: \(path):"), "\(run.stderr)")
        #expect(run.stderr.contains(message) && run.stderr.contains("expected"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
        let ids = run.stdout.split(separator: "\n").compactMap { String($0).jsonObject?["id"] as? String }
        #expect(Set(ids) == Set(Self.goodIDs))
        #expect(run.peakMemory < Self.memoryBound, "peak RSS \(run.peakMemory >> 20) MiB")
        #expect(run.elapsed < Self.timeBound)
    }

    @Test("table prints the entries before the bad spot too; json prints nothing partial")
    func formats() async throws {
        let path = Self.corpus("history-traceback-string.json")
        let table = try await KymonProcess.run(["replay", "--format", "table", path])
        #expect(table.status == 65)
        #expect(table.stdout.hasPrefix("2 shown · "), "\(table.stdout)")
        #expect(table.stdout.contains("aaaaaaaa") && table.stdout.contains("bbbbbbbb"))
        let json = try await KymonProcess.run(["replay", "--format", "json", path])
        #expect(json.status == 65)
        #expect(json.stdout.isEmpty)
        #expect(json.stderr.hasPrefix("kymon: \(path):4:"))
    }

    @Test("a later bad file keeps the prompts of the earlier good ones")
    func goodFileThenBad() async throws {
        let run = try await KymonProcess.run(["replay", "--format", "jsonl", KymonProcess.fixture("queue.json"), Self.corpus("history-bom.json")])
        #expect(run.status == 65)
        #expect(run.stderr == "kymon: \(Self.corpus("history-bom.json")):1:1: unexpected byte order mark; expected a value\n")
        #expect(run.stdout.split(separator: "\n").count == 4)
    }

    @Test("a 100 MB string: refused at its byte column, in bounded time and memory", .enabled(if: heavyTestsEnabled))
    func hundredMegabyteString() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-100mb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.json").path
        let prefix = #"{"aaaaaaaa-0000-4000-8000-000000000001": {"prompt": [1, "a", {}, {}, []], "outputs": {}}, "b": {"prompt": [2, "b", {"1": {"inputs": {"text": ""#
        let size = 100 << 20
        try await offPool {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
            try handle.write(contentsOf: Data(prefix.utf8))
            for _ in 0..<100 { try handle.write(contentsOf: Data(repeating: UInt8(ascii: "x"), count: 1 << 20)) }
            try handle.write(contentsOf: Data([0xC0, 0x80]) + Data(#""}}}]}}"#.utf8))
            try handle.close()
        }

        let run = try await MeasuredRun.run(["replay", "--format", "jsonl", path])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr == "kymon: \(path):1:\(prefix.utf8.count + size + 1): invalid UTF-8 inside a string; expected UTF-8 text (or \\u escapes)\n")
        #expect(run.stdout.split(separator: "\n").count == 1)
        #expect(run.peakMemory < Self.memoryBound, "peak RSS \(run.peakMemory >> 20) MiB")
        #expect(run.elapsed < Self.timeBound)
    }
}
