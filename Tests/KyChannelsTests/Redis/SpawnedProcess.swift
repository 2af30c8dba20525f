#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, with every signal unblocked and at its default action.
///
/// Foundation's `Process` passes on the signal mask of the spawning thread, and libdispatch threads block
/// most signals, so a `redis-server` started from a test would ignore SIGTERM. Not `Sendable`: one test owns it.
final class SpawnedProcess {
    /// The child's process id.
    let pid: pid_t
    private var hasExited = false

    /// Starts `executable` with `arguments`; stdin and stdout go to /dev/null, stderr to `stderrPath`.
    init(executable: String, arguments: [String], stderrPath: String) throws {
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGCHLD] { sigaddset(&defaultSignals, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw RedisServerError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    deinit {
        terminate(within: .seconds(5))
    }

    /// True until the child has exited.
    var isRunning: Bool {
        guard !hasExited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { hasExited = true }
        return !hasExited
    }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) {
        if !hasExited { kill(pid, signal) }
    }

    /// Sends SIGCONT and SIGTERM and reaps the child; SIGKILL when it has not exited within `limit`.
    func terminate(within limit: Duration) {
        guard !hasExited else { return }
        kill(pid, SIGCONT)
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + limit
        while isRunning, ContinuousClock.now < deadline {
            usleep(5_000)
        }
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            hasExited = true
        }
    }
}
