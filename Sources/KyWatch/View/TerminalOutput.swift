#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes of whole frames to standard output (file descriptor 1).
enum TerminalOutput {
    /// Writes all of `bytes`, resuming after partial writes and interruptions; gives up quietly on an error such as a
    /// closed pipe (EPIPE, with SIGPIPE ignored).
    static func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(STDOUT_FILENO, base + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else if written < 0, errno == EAGAIN {
                    var request = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&request, 1, -1)
                } else {
                    return
                }
            }
        }
    }
}
