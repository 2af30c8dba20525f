#if canImport(Glibc)
import Glibc
#endif
import CKyMemory
import Logging
import ServiceLifecycle

/// Gives back memory a long-running kymon holds but does not use: code pages only start-up needed,
/// and free heap pages.
///
/// Every page fault maps 64 KiB or more of a binary around the byte it needs, so start-up leaves
/// megabytes of code mapped that `watch` or `publish --daemon` never runs again. Those pages are
/// clean, read-only views of files: dropping them from the process (`madvise(MADV_DONTNEED)`) loses
/// nothing, they stay in the page cache, and a page needed again comes back with a minor fault.
/// Mappings that can be written or hold private copies (what the loader relocated) are left alone.
/// Linux only; elsewhere nothing happens.
public struct MemoryTrim: Service {
    public var first: Duration
    public var every: Duration
    public var logger: Logger

    /// Trims `first` after start, then every `every`.
    public init(first: Duration = .seconds(5), every: Duration = .seconds(60), logger: Logger) {
        self.first = first
        self.every = every
        self.logger = logger
    }

    /// Trims until cancelled or, in a service group, until graceful shutdown.
    public func run() async {
        await cancelWhenGracefulShutdown { await runUntilCancelled() }
    }

    /// Trims until cancelled.
    public func runUntilCancelled() async {
        var wait = first
        while true {
            do { try await Task.sleep(for: wait) } catch { return }
            if let kib = Self.trim() {
                logger.debug("memory trim: dropped \(kib) KiB of code pages no longer in use (they come back on demand) and freed heap pages")
            }
            wait = every
        }
    }

    /// Trims once; returns the KiB of file pages dropped, or nil where that cannot be done (not
    /// Linux, or `/proc/self/smaps` unreadable).
    @discardableResult
    public static func trim() -> Int? {
        #if os(Linux)
        guard let mappings = ProcessMappings.current() else { return nil }
        var dropped = 0
        for mapping in mappings.droppable {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(address, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 { dropped += mapping.residentKiB }
        }
        _ = ky_trim_heap()
        return dropped
        #else
        return nil
        #endif
    }
}
