#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole buffers to standard output, retrying short writes.
public enum StandardOutput {
    /// Writes `bytes` to fd 1. Throws `.closed` when the reader went away (EPIPE), `.failed` otherwise.
    public static func write(_ bytes: [UInt8]) throws(StandardOutputError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                systemWrite(STDOUT_FILENO, buffer.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if written >= 0 {
                offset += written
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN {
                // A non-blocking descriptor inherited from the parent: wait until it takes more.
                var request = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
                _ = poll(&request, 1, -1)
            } else if errno == EPIPE {
                throw .closed
            } else {
                throw .failed(String(cString: strerror(errno)))
            }
        }
    }

    /// Makes a closed pipe an EPIPE error instead of a silent SIGPIPE death.
    public static func ignoreBrokenPipeSignal() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// True when standard output is a pipe whose reader has gone (`kymon watch | head`), found
    /// without writing anything.
    public static var readerHasGone: Bool {
        var request = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
        guard poll(&request, 1, 0) == 1 else { return false }
        return request.revents & Int16(POLLERR | POLLHUP) != 0
    }

    /// True when standard output is a terminal.
    public static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// The terminal's width in columns, or nil when not a terminal.
    public static var terminalWidth: Int? {
        guard let size = windowSize(), size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// The terminal's columns and rows, or nil when not a terminal (or it reports no size).
    public static var terminalSize: (columns: Int, rows: Int)? {
        guard let size = windowSize(), size.ws_col > 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    private static func windowSize() -> winsize? {
        var size = winsize()
        return ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 ? size : nil
    }
}

/// Standard output could not be written.
public enum StandardOutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reading end of the pipe closed (e.g. `| head`).
    case closed
    case failed(String)

    public var description: String {
        switch self {
        case .closed: return "standard output was closed"
        case .failed(let reason): return "cannot write to standard output: \(reason)"
        }
    }
}

private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, pointer, count)
    #else
    return Darwin.write(fd, pointer, count)
    #endif
}
