#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A loopback TCP port that refuses connections for as long as its socket stays open.
///
/// Unlike a server started and stopped, its port cannot be taken by a test running in parallel.
public enum RefusingPort {
    public struct Failed: Error {}

    /// Binds a socket to 127.0.0.1 port 0 without listening; returns it and `127.0.0.1:<port>`.
    public static func open() throws -> (Int32, String) {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failed() }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else {
            close(descriptor)
            throw Failed()
        }
        return (descriptor, "127.0.0.1:\(UInt16(bigEndian: address.sin_port))")
    }
}

extension RefusingPort {
    /// Runs `body` with `http://127.0.0.1:<port>` of a refusing port.
    public static func withURL<Result>(_ body: (String) async throws -> Result) async throws -> Result {
        let (socket, address) = try open()
        defer { close(socket) }
        return try await body("http://\(address)")
    }
}
