#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KyQuery

/// What `publish --on-change --state FILE` remembers between runs: the last sequence number and the
/// status last published for each prompt.
///
/// The file is replaced atomically (written beside it, flushed, renamed), so a crash between writes
/// leaves either the old or the new state, never a torn one.
public struct PublishState: Codable, Sendable, Equatable {
    public static let schema = "kymon.state/1"

    public var schema: String = PublishState.schema
    public var server: String
    public var seq: Int64
    /// Prompt id → status word last published.
    public var statuses: [String: String]

    public init(server: String, seq: Int64 = 0, statuses: [String: String] = [:]) {
        self.server = server
        self.seq = seq
        self.statuses = statuses
    }

    /// Items that are new or whose status changed since the state was recorded.
    public func changes(in snapshot: Snapshot) -> [PromptInfo] {
        snapshot.items.filter { statuses[$0.id] != $0.status.rawValue }
    }

    /// Remembers the snapshot's statuses. Prompts that left the snapshot are forgotten: they cannot
    /// come back (history only moves forward), and forgetting keeps the file small.
    public mutating func record(_ snapshot: Snapshot, sequence: Int64) {
        statuses = Dictionary(snapshot.items.map { ($0.id, $0.status.rawValue) }, uniquingKeysWith: { $1 })
        seq = sequence
    }

    /// Reads the state file; a missing file is a fresh state.
    public static func load(path: String, server: String) throws -> PublishState {
        if access(path, F_OK) != 0, errno == ENOENT { return PublishState(server: server) }
        let bytes: [UInt8]
        do {
            bytes = try WholeFile.read(path, limit: maximumFileSize)
        } catch {
            throw PublishStateError("cannot read the state file '\(path)': \(error.reason); move it away to start fresh")
        }
        let state: PublishState
        do {
            state = try JSONDecoder().decode(PublishState.self, from: Data(bytes))
        } catch {
            throw PublishStateError("cannot read the state file '\(path)': \(explain(error)); move it away to start fresh")
        }
        guard state.schema == schema else { throw PublishStateError("'\(path)' is not a kymon state file (schema \(state.schema))") }
        return state
    }

    /// A state file holds a number and a status per prompt of one snapshot: far below this.
    static let maximumFileSize = 64 << 20

    /// What is wrong with a state file that does not decode, in a few words.
    private static func explain(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted: return "not valid JSON"
        case .keyNotFound(let key, _): return "no \"\(key.stringValue)\" member"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        @unknown default: return "\(error)"
        }
    }

    /// Fails early when the state file's folder cannot be written, before anything is sent.
    public static func checkWritable(path: String) throws {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        guard access(folder, W_OK) == 0 else {
            throw PublishStateError("cannot write the state file '\(path)': \(String(cString: strerror(errno))) (folder '\(folder)')")
        }
    }

    /// Writes the state atomically.
    public func save(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(self)
        let temporary = "\(path).tmp.\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw PublishStateError("cannot write the state file '\(temporary)': \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let flushed = fsync(descriptor) == 0
        close(descriptor)
        guard written == data.count, flushed, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw PublishStateError("cannot write the state file '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}

/// The state file could not be read or written.
public struct PublishStateError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
