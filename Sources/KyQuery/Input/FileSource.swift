#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Saved ComfyUI documents on disk; `-` stands for standard input.
public struct FileSource: SnapshotSource {
    public let paths: [String]
    /// False skips the parts of documents kymon does not read (workflows, prompt graphs) by
    /// their strings and brackets alone, without checking their grammar: several times faster.
    public let checksSkippedValues: Bool

    public init(paths: [String], checksSkippedValues: Bool = true) {
        self.paths = paths
        self.checksSkippedValues = checksSkippedValues
    }

    public var sourceDescription: String { paths.joined(separator: ", ") }

    /// Checks that every file can be opened before any is read, so a typo fails fast.
    public func checkReadable() throws {
        for path in paths where path != "-" {
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { throw InputError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            close(descriptor)
        }
    }

    public func read(into assembler: inout SnapshotAssembler, options: DecodeOptions) async throws {
        for path in paths { try Self.read(path: path, into: &assembler, options: options, checksSkippedValues: checksSkippedValues) }
    }

    /// Streams one file through the decoder.
    public static func read(path: String, into assembler: inout SnapshotAssembler, options: DecodeOptions, checksSkippedValues: Bool = true) throws {
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard descriptor >= 0 else { throw InputError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var isDirectory = stat()
        if fstat(descriptor, &isDirectory) == 0, isDirectory.st_mode & S_IFMT == S_IFDIR {
            throw InputError.cannotOpen(path: path, reason: "Is a directory")
        }
        let reader = JSONReader(source: FileDescriptorByteSource(descriptor: descriptor, name: path), documentName: path)
        reader.checksSkippedContainers = checksSkippedValues
        try DocumentDecoder.decode(from: reader, into: &assembler, options: options)
    }
}
