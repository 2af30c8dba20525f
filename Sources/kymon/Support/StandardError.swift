#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to standard error, for diagnostics that must appear even while exiting.
enum StandardError {
    /// True when standard error is a terminal.
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Glibc)
                let written = Glibc.write(STDERR_FILENO, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                #else
                let written = Darwin.write(STDERR_FILENO, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                #endif
                if written > 0 { offset += written } else if errno != EINTR { return }
            }
        }
    }
}
