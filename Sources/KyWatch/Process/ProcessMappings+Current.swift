#if canImport(Glibc)
import Glibc
#endif

extension ProcessMappings {
    /// This process's mappings now, or nil where `/proc/self/smaps` cannot be read (not Linux).
    public static func current() -> ProcessMappings? {
        #if os(Linux)
        readWhole("/proc/self/smaps").map { ProcessMappings(smaps: $0) }
        #else
        nil
        #endif
    }

    #if os(Linux)
    /// Reads a `/proc` file whole: its size is not known in advance.
    private static func readWhole(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
    #endif
}
