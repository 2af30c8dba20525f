import Foundation

/// Runs the built `kymon` binary as a user would and captures everything it says.
struct KymonProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary next to the test bundle (same build configuration), or `KYMON_BINARY`.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["KYMON_BINARY"] { return URL(fileURLWithPath: path) }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kymon")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/kymon")
    }

    static func fixture(_ name: String) -> String { packageRoot.appendingPathComponent("Fixtures/\(name)").path }

    /// Runs `kymon arguments` in an empty temporary folder with a minimal environment plus `environment`.
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil, directory: URL? = nil) async throws -> Outcome {
        let folder = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("kymon-run-\(UUID().uuidString)")
        defer { if directory == nil { try? FileManager.default.removeItem(at: folder) } }
        let process = try prepare(["60", binary.path] + arguments, executable: URL(fileURLWithPath: "/usr/bin/timeout"), in: folder, environment: environment)
        let outURL = folder.appendingPathComponent(".stdout")
        let errURL = folder.appendingPathComponent(".stderr")
        if let stdin {
            let input = folder.appendingPathComponent(".stdin")
            try stdin.write(to: input)
            process.standardInput = try FileHandle(forReadingFrom: input)
        }
        try await runToExit(process)
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    /// A process running `executable arguments` in `folder` (created if needed) with a minimal
    /// environment, the runner's sanitizer settings and `environment`, its output going to
    /// `folder/.stdout` and `folder/.stderr`.
    static func prepare(_ arguments: [String], executable: URL, in folder: URL, environment: [String: String]) throws -> Process {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let outURL = folder.appendingPathComponent(".stdout")
        let errURL = folder.appendingPathComponent(".stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var base = ["PATH": "/usr/bin:/bin", "TZ": "UTC", "HOME": folder.path, "LANG": "C.UTF-8"]
        base.merge(sanitizerOptions) { $1 }
        base.merge(environment) { $1 }
        process.environment = base
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        return process
    }

    /// The runner's sanitizer settings (scripts/sanitize), passed on so that a sanitized `kymon`
    /// writes its reports where the runner does.
    private static let sanitizerOptions = ProcessInfo.processInfo.environment.filter { name, _ in
        ["ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "SWIFT_BACKTRACE"].contains(name)
    }

    /// Starts `process` and waits for it without blocking a thread of the cooperative pool
    /// (tests run in parallel, and the pool has as many threads as cores).
    static func runToExit(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func temporaryFile(_ text: String, name: String = "doc.json") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Removes a file made by `temporaryFile`, with its folder.
    static func removeTemporaryFile(_ path: String) {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }
}

extension String {
    var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(utf8))) as? [String: Any]
    }
}

/// A `kymon` process left running (for `watch`), with its output in files.
final class RunningKymon: @unchecked Sendable {  // Process is thread-safe for the calls made here
    let process: Process
    let folder: URL
    /// Starts `kymon arguments` like `KymonProcess.run`, without waiting for it.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-live-\(UUID().uuidString)")
        process = try KymonProcess.prepare(arguments, executable: KymonProcess.binary, in: folder, environment: environment)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    var stdout: String { (try? String(contentsOf: folder.appendingPathComponent(".stdout"), encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: folder.appendingPathComponent(".stderr"), encoding: .utf8)) ?? "" }

    /// The JSON objects written so far, one per complete line.
    var lines: [[String: Any]] {
        stdout.split(separator: "\n").compactMap { String($0).jsonObject }
    }

    /// Runs until it exits; `whileRunning` runs meanwhile (it should end the process, e.g. with a signal).
    /// A process still alive 60 s after start is killed.
    func run(whileRunning: () async throws -> Void) async throws -> Int32 {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await KymonProcess.runToExit(self.process) }
            do {
                try await waitUntil("the process to start") { self.process.isRunning }
                try await whileRunning()
            } catch {
                if process.isRunning { process.terminate() }
                try await group.waitForAll()
                throw error
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
            }
            try await group.next()
            group.cancelAll()
            return process.terminationStatus
        }
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits until `condition` holds, polling every 50 ms, for at most 20 s.
    func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                throw KymonWaitTimeout(description: "timed out waiting for \(what); stdout: \(stdout.suffix(2000)) stderr: \(stderr.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

struct KymonWaitTimeout: Error, CustomStringConvertible {
    var description: String
}
