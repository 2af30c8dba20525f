import Foundation
@testable import KyQuery

/// Real ComfyUI 0.8 responses copied from the capture set (see Captures/PROVENANCE.md).
enum Captures {
    static var directory: URL {
        guard let url = Bundle.module.url(forResource: "Captures", withExtension: nil) else {
            preconditionFailure("the Captures resource folder is missing from the test bundle")
        }
        return url
    }

    /// The path of one captured file, e.g. `("s03-error", "02-history-by-id-error.json")`.
    static func path(_ scenario: String, _ file: String) -> String {
        directory.appendingPathComponent(scenario).appendingPathComponent(file).path
    }

    static func bytes(_ scenario: String, _ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(scenario, file))))
    }

    /// Every captured JSON response body (not the request bodies).
    static var allResponseFiles: [String] {
        let manager = FileManager.default
        var files: [String] = []
        for scenario in (try? manager.contentsOfDirectory(atPath: directory.path).sorted()) ?? [] {
            let folder = directory.appendingPathComponent(scenario).path
            for name in (try? manager.contentsOfDirectory(atPath: folder).sorted()) ?? []
            where name.hasSuffix(".json") && !name.hasSuffix(".request.json") {
                files.append("\(scenario)/\(name)")
            }
        }
        return files
    }
}

/// Decodes documents with the streaming decoder, as `kymon replay` does.
/// `checksSkippedValues` false skips as `kymon replay --fast-skip` does.
func decodeDocuments(
    _ documents: [(name: String, bytes: [UInt8])], options: DecodeOptions = DecodeOptions(), bufferSize: Int = 1 << 20, checksSkippedValues: Bool = true
) throws -> Snapshot {
    try assemble(documents, options: options, bufferSize: bufferSize, checksSkippedValues: checksSkippedValues).snapshot(source: "test", generatedAt: 0)
}

/// The assembler after decoding `documents`; `spillingAfter` as in `SnapshotAssembler(spillingAfter:)`.
func assemble(
    _ documents: [(name: String, bytes: [UInt8])], options: DecodeOptions = DecodeOptions(), bufferSize: Int = 1 << 20, spillingAfter: Int? = nil,
    checksSkippedValues: Bool = true
) throws -> SnapshotAssembler {
    var assembler = spillingAfter.map { SnapshotAssembler(spillingAfter: $0) } ?? SnapshotAssembler()
    for document in documents {
        let reader = JSONReader(source: MemoryByteSource(document.bytes), documentName: document.name, bufferSize: bufferSize)
        reader.checksSkippedContainers = checksSkippedValues
        try DocumentDecoder.decode(from: reader, into: &assembler, options: options)
    }
    return assembler
}

/// Decodes one document given as text.
func decodeText(_ text: String, options: DecodeOptions = DecodeOptions(), bufferSize: Int = 1 << 20) throws -> Snapshot {
    try decodeDocuments([("test.json", Array(text.utf8))], options: options, bufferSize: bufferSize)
}

/// Decodes captured files named `scenario/file`.
func decodeCaptures(_ names: String...) throws -> Snapshot {
    try decodeDocuments(names.map { name in
        let parts = name.split(separator: "/").map(String.init)
        return (name, try Captures.bytes(parts[0], parts[1]))
    })
}

extension Snapshot {
    func item(_ idPrefix: String) -> PromptInfo? { items.first { $0.id.hasPrefix(idPrefix) } }
}
