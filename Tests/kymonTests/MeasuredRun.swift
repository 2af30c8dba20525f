import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs `kymon` and reports, besides its output, its peak resident memory and wall time.
///
/// The peak is the child's own `VmHWM`, sampled from `/proc` while it runs. `wait4`'s `ru_maxrss`
/// is only the fallback for a child too quick to sample: for a child started with `posix_spawn`
/// (a vfork), the kernel also counts the test process's memory in it, which a test serving
/// hundreds of megabytes from memory would mistake for kymon's.
struct MeasuredRun {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Peak resident set size, bytes.
    var peakMemory: Int
    var elapsed: Duration

    /// Runs `kymon arguments` in a fresh temporary folder; killed after `limit`.
    static func run(_ arguments: [String], limit: Duration = .seconds(120)) async throws -> MeasuredRun {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-measured-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outPath = folder.appendingPathComponent(".stdout").path
        let errPath = folder.appendingPathComponent(".stderr").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let environment: [String] = ["PATH=/usr/bin:/bin", "TZ=UTC", "HOME=\(folder.path)", "LANG=C.UTF-8"]
        let argv = ([KymonProcess.binary.path] + arguments).map { (text: String) in strdup(text) } + [nil]
        let envp = environment.map { (text: String) in strdup(text) } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        let start = ContinuousClock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, KymonProcess.binary.path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw SpawnFailed(code: spawned) }

        var status: Int32 = 0
        var usage = rusage()
        var sampledPeak: Int?
        while true {
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid { break }
            guard reaped == 0 else { throw SpawnFailed(code: errno) }
            if let peak = Self.highWaterMark(of: pid) { sampledPeak = max(sampledPeak ?? 0, peak) }
            if ContinuousClock.now - start > limit { kill(pid, SIGKILL) }
            do {
                try await Task.sleep(for: .milliseconds(5))
            } catch {
                kill(pid, SIGKILL)
                _ = wait4(pid, &status, 0, &usage)
                throw error
            }
        }
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return MeasuredRun(
            status: exitStatus,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            peakMemory: sampledPeak ?? usage.ru_maxrss * 1024,
            elapsed: ContinuousClock.now - start
        )
    }

    /// `VmHWM` of a running process, in bytes; nil once it has exited (or before it has exec'd).
    private static func highWaterMark(of pid: pid_t) -> Int? {
        ProcessStatus.kib("VmHWM", of: pid).map { $0 * 1024 }
    }

    struct SpawnFailed: Error {
        var code: Int32
    }
}
