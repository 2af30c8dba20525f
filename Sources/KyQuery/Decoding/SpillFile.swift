#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers

/// An append-only temporary file for records that need not stay in memory.
///
/// The file is unlinked as soon as it is made, so nothing is left behind however the process ends;
/// the descriptor is closed when the last copy of the owner goes. Appends go through a small buffer.
final class SpillFile: Sendable {
    private struct State {
        var pending: [UInt8] = []
        /// Bytes already in the file.
        var written: Int64 = 0
    }

    private let descriptor: Int32
    private let directory: String
    private let state = NIOLockedValueBox(State())
    private static let bufferSize = 64 * 1024

    /// Makes the file in `$TMPDIR`, else `/tmp`.
    init() throws(InputError) {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/kymon-spill-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw .cannotOpen(path: directory, reason: "cannot make a temporary file: " + String(cString: strerror(errno)))
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
        self.directory = directory
    }

    deinit { close(descriptor) }

    /// Appends `record`; answers where it starts.
    func append(_ record: [UInt8]) throws -> Int64 {
        try state.withLockedValue { state in
            let offset = state.written + Int64(state.pending.count)
            state.pending += record
            if state.pending.count >= Self.bufferSize { try flush(&state) }
            return offset
        }
    }

    /// Calls `body` with the `length` bytes at `offset`.
    func withRecord<Result>(at offset: Int64, length: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        try state.withLockedValue { state in
            if offset >= state.written {
                let start = Int(offset - state.written)
                return try state.pending.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<start + length])) }
            }
            var bytes = [UInt8](repeating: 0, count: length)
            var done = 0
            while done < length {
                let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, length - done, off_t(offset) + off_t(done)) }
                if count > 0 {
                    done += count
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    throw failure(count == 0 ? "the file is shorter than what was written to it" : String(cString: strerror(errno)))
                }
            }
            return try bytes.withUnsafeBytes { try body($0) }
        }
    }

    private func flush(_ state: inout State) throws {
        var done = 0
        let total = state.pending.count
        while done < total {
            let count = state.pending.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + done, total - done, off_t(state.written) + off_t(done)) }
            if count >= 0 {
                done += count
            } else if errno != EINTR {
                throw failure(String(cString: strerror(errno)))
            }
        }
        state.written += Int64(total)
        state.pending.removeAll(keepingCapacity: true)
    }

    private func failure(_ reason: String) -> InputError {
        .readFailed(path: directory, reason: "temporary file: " + reason)
    }
}
