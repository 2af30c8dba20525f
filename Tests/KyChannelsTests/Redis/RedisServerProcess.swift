import Foundation

@testable import KyChannels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real `redis-server` on 127.0.0.1 and a free port, owned by one test: it can be stopped, paused and
/// restarted on the same port. The binary comes from the `REDIS_SERVER` environment variable or `PATH`.
final class RedisServerProcess {
    /// The `redis-server` binary, or `nil` when there is none.
    static let executablePath: String? = findExecutable()
    /// True on CI (`CI=true`), where a missing `redis-server` fails the tests instead of skipping them.
    static let isRequired = ProcessInfo.processInfo.environment["CI"] == "true"
    /// Whether the server tests run: `redis-server` exists, or CI requires it (and they then fail without it).
    static var shouldRun: Bool { executablePath != nil || isRequired }

    /// The port the server listens on, the same across restarts.
    let port: Int
    private let directory: URL
    private let arguments: [String]
    private var process: SpawnedProcess?

    /// Starts a server; `password` becomes `--requirepass`, `configLines` go into its config file (ACL `user` lines).
    /// With `durable`, every write goes to an append-only file before it is acknowledged, so a killed
    /// process keeps everything it acknowledged (the kernel has the data; fsync only matters for the
    /// OS). `appendfsync no` for that: under `everysec`, a slow background fsync (a loaded disk)
    /// lets Redis put off the write for up to 2 s while it still acknowledges, and a kill then loses
    /// what it acknowledged meanwhile (seen: 267 of 10,000 messages).
    static func start(password: String? = nil, configLines: [String] = [], durable: Bool = false) async throws -> RedisServerProcess {
        let server = try RedisServerProcess(password: password, configLines: configLines, durable: durable)
        try await server.start()
        return server
    }

    private init(password: String?, configLines: [String], durable: Bool) throws {
        guard Self.executablePath != nil else {
            throw RedisServerError("redis-server not found: install it (apt-get install redis-server) or set REDIS_SERVER")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configFile = directory.appendingPathComponent("redis.conf")
        try (configLines.joined(separator: "\n") + "\n").write(to: configFile, atomically: true, encoding: .utf8)
        port = try Self.freePort()
        var arguments = [
            configFile.path, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", durable ? "yes" : "no",
            "--appendfsync", "no",
            "--daemonize", "no", "--dir", directory.path, "--logfile", directory.appendingPathComponent("redis.log").path,
        ]
        if let password { arguments += ["--requirepass", password] }
        self.arguments = arguments
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A channel configuration for this server with short timeouts and backoff; tests adjust the rest.
    var configuration: RedisConfiguration {
        RedisConfiguration(
            host: "127.0.0.1",
            port: port,
            connectTimeout: .seconds(2),
            commandTimeout: .seconds(5),
            backoff: .milliseconds(20)
        )
    }

    /// Starts the process (again) and waits until it answers `PING`, at most 10 seconds.
    func start() async throws {
        guard process == nil, let executablePath = Self.executablePath else { return }
        process = try SpawnedProcess(
            executable: executablePath,
            arguments: arguments,
            stderrPath: directory.appendingPathComponent("stderr.txt").path
        )
        try await waitUntilReady()
    }

    /// Sends SIGTERM and waits for the process to exit (SIGKILL after 5 seconds).
    func stop() {
        process?.terminate(within: .seconds(5))
        process = nil
    }

    /// Kills the process without warning (SIGKILL), as a crash or an OOM kill would.
    func crash() {
        process?.send(SIGKILL)
        process?.terminate(within: .seconds(5))
        process = nil
    }

    /// Stops and starts the server on the same port.
    func restart() async throws {
        stop()
        try await start()
    }

    /// Freezes the process (SIGSTOP): the kernel still accepts connections, but nothing is answered.
    func pause() {
        process?.send(SIGSTOP)
    }

    /// Lets a paused process run again (SIGCONT).
    func resume() {
        process?.send(SIGCONT)
    }

    /// Polls with `PING` every 20 ms; any reply, even `NOAUTH`, means the server is up.
    private func waitUntilReady() async throws {
        var probe = configuration
        probe.connectTimeout = .milliseconds(500)
        probe.commandTimeout = .seconds(1)
        let client = RedisTestClient(probe)
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do {
                _ = try await client.command("PING")
                await client.close()
                return
            } catch let error as RedisError where error.serverReply != nil {
                await client.close()
                return
            } catch {
                guard let process, process.isRunning else {
                    throw RedisServerError("redis-server exited during startup: \(diagnostics())")
                }
                guard ContinuousClock.now < deadline else {
                    throw RedisServerError("redis-server on port \(port) did not answer PING within 10s: \(diagnostics())")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// The tail of the server's stderr and log, for startup failures.
    private func diagnostics() -> String {
        ["stderr.txt", "redis.log"].compactMap { name in
            let url = directory.appendingPathComponent(name)
            return (try? String(contentsOf: url, encoding: .utf8)).map { "\(name): \($0.suffix(600))" }
        }.joined(separator: "\n")
    }

    /// A port that was free a moment ago: bind port 0 on 127.0.0.1, read the port the kernel chose, close.
    private static func freePort() throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw RedisServerError("cannot create a socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw RedisServerError("cannot bind a socket: \(String(cString: strerror(errno)))") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw RedisServerError("getsockname failed: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func findExecutable() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["REDIS_SERVER"], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        return (environment["PATH"] ?? "").split(separator: ":")
            .map { "\($0)/redis-server" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
