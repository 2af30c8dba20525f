import Foundation
import KyTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A private `redis-server` on 127.0.0.1 that requires a password (`--requirepass`), for one test.
final class PasswordRedis {
    /// The `redis-server` binary on PATH (or `REDIS_SERVER`), if any.
    static let executable: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["REDIS_SERVER"], !path.isEmpty { return path }
        return (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/redis-server" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    let port: Int
    private let process: Process
    private let folder: URL

    /// Starts the server and waits until it accepts connections.
    init(password: String) async throws {
        guard let executable = Self.executable else { throw RedisMissing() }
        let (socket, address) = try RefusingPort.open()
        close(socket)
        guard let port = address.split(separator: ":").last.flatMap({ Int($0) }) else { throw RedisMissing() }
        self.port = port
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--dir", folder.path, "--requirepass", password,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while !Self.accepts(port: port) {
            guard ContinuousClock.now < deadline, process.isRunning else { throw RedisMissing() }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// SIGKILL: the server inherits the test runner's blocked signals, so it may never see SIGTERM.
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: folder)
    }

    private static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    struct RedisMissing: Error {}
}
