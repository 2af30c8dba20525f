import Foundation

/// Figures of a running process from `/proc/<pid>/status`.
enum ProcessStatus {
    /// The value of `key` (`VmHWM`, `RssFile`, ...) in KiB; nil once the process has exited, or
    /// where there is no `/proc`.
    static func kib(_ key: String, of pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") })
        else { return nil }
        return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
    }
}
