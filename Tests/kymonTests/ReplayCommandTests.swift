import Foundation
import Testing

@Suite("kymon replay (black box)")
struct ReplayCommandTests {
    private let fixtures = [KymonProcess.fixture("queue.json"), KymonProcess.fixture("history.json")]

    @Test("json: one snapshot document on stdout, nothing on stderr")
    func json() async throws {
        let run = try await KymonProcess.run(["replay"] + fixtures)
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        let document = try #require(run.stdout.jsonObject)
        #expect(document["schema"] as? String == "kymon.snapshot/1")
        #expect((document["items"] as? [Any])?.count == 19)
        #expect((document["queue"] as? [String: Int]) == ["running": 0, "pending": 1])
        #expect(document["source"] as? String == fixtures.joined(separator: ", "))
    }

    @Test("jsonl: one info per line")
    func jsonLines() async throws {
        let run = try await KymonProcess.run(["replay", "--format", "jsonl"] + fixtures)
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 19)
        #expect(lines.allSatisfy { String($0).jsonObject?["id"] != nil })
    }

    @Test("--fast-skip: the same infos; damage inside a workflow goes unreported, a cut document is still an error")
    func fastSkip() async throws {
        let checked = try await KymonProcess.run(["replay", "--format", "jsonl"] + fixtures)
        let fast = try await KymonProcess.run(["replay", "--format", "jsonl", "--fast-skip"] + fixtures)
        #expect(checked.status == 0 && fast.status == 0)
        #expect(fast.stdout == checked.stdout)

        let entry = #"{"a1": {"prompt": [1, "a1", {"1": {"inputs": {}, "class_type": "X"}}, {"extra_pnginfo": {"workflow": {"nodes": [1 2]}}}, ["1"]], "# + #""outputs": {}, "status": {"status_str": "success", "completed": true, "messages": []}}}"#
        let damaged = try KymonProcess.temporaryFile(entry, name: "damaged.json")
        defer { KymonProcess.removeTemporaryFile(damaged) }
        let strict = try await KymonProcess.run(["replay", "--format", "jsonl", damaged])
        #expect(strict.status == 65)
        #expect(strict.stderr == "kymon: \(damaged):1:115: expected ',' or ']', found '2'\n")
        let lenient = try await KymonProcess.run(["replay", "--format", "jsonl", "--fast-skip", damaged])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stdout.jsonObject?["id"] as? String == "a1")
        #expect(lenient.stdout.jsonObject?["status"] as? String == "completed")

        let cut = try KymonProcess.temporaryFile(String(entry.prefix(100)), name: "cut.json")
        defer { KymonProcess.removeTemporaryFile(cut) }
        let cutStrict = try await KymonProcess.run(["replay", cut])
        let cutFast = try await KymonProcess.run(["replay", "--fast-skip", cut])
        #expect(cutStrict.status == 65 && cutFast.status == 65)
        #expect(cutFast.stderr == cutStrict.stderr)
        #expect(cutFast.stderr.contains("unexpected end of input"))
    }

    @Test("table: readable, uncoloured when not a terminal")
    func table() async throws {
        let run = try await KymonProcess.run(["replay", "--format", "table"] + fixtures)
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("0 running · 1 pending · 19 shown"))
        #expect(run.stdout.contains("STATUS"))
        #expect(!run.stdout.contains("\u{1B}"))
    }

    @Test("filters: --status (repeatable) and --limit")
    func filters() async throws {
        let run = try await KymonProcess.run(["replay", "--format", "jsonl", "--status", "failed", "--status", "interrupted", "--limit", "3"] + fixtures)
        #expect(run.status == 0)
        let statuses = run.stdout.split(separator: "\n").compactMap { String($0).jsonObject?["status"] as? String }
        #expect(statuses == ["interrupted", "failed", "interrupted"])
    }

    @Test(
        "--id: the exit status tells the prompt's state",
        arguments: [("927bc2bd", Int32(0)), ("779977d7", 1), ("3557d529", 130), ("7e865bb1", 3), ("00000000", 4), ("e38ff296-6a3d-49d1-85ac-3ed7446a61a1", 1)]
    )
    func idOutcome(id: String, status: Int32) async throws {
        let run = try await KymonProcess.run(["replay", "--id", id] + fixtures)
        #expect(run.status == status, "\(run.stderr)")
        if status == 4 {
            #expect(run.stderr == "kymon: no prompt with id '\(id)'\n")
        } else {
            #expect((run.stdout.jsonObject?["items"] as? [[String: Any]])?.first?["id"] as? String != nil)
        }
    }

    @Test("an ambiguous id prefix says which prompts it matches")
    func ambiguousPrefix() async throws {
        let folder = try KymonProcess.temporaryFile(#"{"abcd-1": {"prompt": [1, "abcd-1", {}, {}, []]}, "abcd-2": {"prompt": [2, "abcd-2", {}, {}, []]}}"#)
        let run = try await KymonProcess.run(["replay", "--id", "abcd", folder])
        #expect(run.status == 4)
        #expect(run.stderr.contains("'abcd' matches 2 prompts"))
    }

    @Test("documents that are not queue, history or jobs are refused, not misread", arguments: ["s00-idle-baseline/02-prompt-idle.json", "s00-idle-baseline/05-system-stats.json", "s01-success/01-post-prompt-success.request.json", "s09-final-snapshots/09-api-job-unknown-id.json"])
    func foreignDocuments(capture: String) async throws {
        let path = KymonProcess.packageRoot.appendingPathComponent("Tests/KyQueryTests/Captures/\(capture)").path
        let run = try await KymonProcess.run(["replay", path])
        #expect(run.status == 65, "\(run.stdout)")
        #expect(run.stderr.hasPrefix("kymon: \(path):1:"))
    }

    @Test("out-of-range flag values are usage errors naming the flag", arguments: [["--traceback-depth", "21"], ["--traceback-depth=-1"]])
    func flagRanges(flag: [String]) async throws {
        let run = try await KymonProcess.run(["replay"] + flag + fixtures)
        #expect(run.status == 64)
        #expect(run.stderr.contains("(from flag --traceback-depth)"))
    }

    @Test("standard input with -")
    func standardInput() async throws {
        let history = try Data(contentsOf: URL(fileURLWithPath: fixtures[1]))
        let run = try await KymonProcess.run(["replay", "-", "--format", "jsonl"], stdin: history)
        #expect(run.status == 0)
        #expect(run.stdout.split(separator: "\n").count == 18)
    }

    @Test("a missing file exits 66 and names it")
    func missingFile() async throws {
        let run = try await KymonProcess.run(["replay", "nope.json"])
        #expect(run.status == 66)
        #expect(run.stderr == "kymon: cannot open 'nope.json': No such file or directory\n")
        #expect(run.stdout.isEmpty)
    }

    @Test("malformed input exits 65 with file:line:column; jsonl keeps what came before, json prints nothing")
    func malformed() async throws {
        let history = try String(contentsOfFile: fixtures[1], encoding: .utf8)
        let cut = try KymonProcess.temporaryFile(String(history.prefix(history.utf8.count / 2)), name: "cut.json")
        let lines = try await KymonProcess.run(["replay", "--format", "jsonl", cut])
        #expect(lines.status == 65)
        #expect(lines.stderr.hasPrefix("kymon: \(cut):1:"))
        #expect(lines.stderr.contains("unexpected end of input"))
        #expect(lines.stdout.split(separator: "\n").count >= 3)
        let document = try await KymonProcess.run(["replay", "--format", "json", cut])
        #expect(document.status == 65)
        #expect(document.stdout.isEmpty)

        let html = try KymonProcess.temporaryFile("<!doctype html>\n<p>502</p>", name: "page.json")
        let page = try await KymonProcess.run(["replay", html])
        #expect(page.status == 65)
        #expect(page.stderr == "kymon: \(html):1:1: expected a value, found '<' (an HTML or XML page, not JSON)\n")
    }

    @Test("usage errors exit 64", arguments: [["replay"], ["replay", "--status", "bogus", "x.json"], ["replay", "--limit", "0", "x.json"], ["replay", "-", "-"], ["frobnicate"]])
    func usage(arguments: [String]) async throws {
        let run = try await KymonProcess.run(arguments)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(!run.stderr.isEmpty)
    }

    @Test("a closed pipe ends quietly with status 0")
    func closedPipe() async throws {
        let script = "'\(KymonProcess.binary.path)' replay --format jsonl '\(fixtures[1])' | head -n 1 > /dev/null; echo ${PIPESTATUS[0]}"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try await KymonProcess.runToExit(process)
        let status = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == "0\n")
        #expect(errors.fileHandleForReading.readDataToEndOfFile().isEmpty)
    }

    @Test("--version and --help")
    func versionAndHelp() async throws {
        let version = try await KymonProcess.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
        let help = try await KymonProcess.run(["replay", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--traceback-depth"))
    }
}
