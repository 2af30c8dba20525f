import CLibFuzzer
import Glibc
import KyQuery

/// A `/queue`, `/history` or `/api/jobs` document, read through a small buffer so refills land
/// at many offsets, then assembled into a snapshot and written out as JSON. Odd-sized inputs are
/// assembled as `replay` does, with finished infos spilled to a temporary file after the first; their
/// streamed lines must equal the snapshot's, and reading spilled infos back must never fail.
/// The document is also read as `replay --fast-skip` reads it: when the checked reading accepts
/// it, that one must give the same snapshot.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDocument(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let reader = JSONReader(source: MemoryByteSource(bytes), documentName: "fuzz", bufferSize: 16 + count % 64)
    let spills = count % 2 == 1
    var assembler = spills ? SnapshotAssembler(spillingAfter: 1) : SnapshotAssembler()
    var accepted = true
    do {
        try DocumentDecoder.decode(from: reader, into: &assembler)
    } catch {
        _ = "\(error)"
        accepted = false
    }
    let snapshot = try! assembler.snapshot(source: "fuzz", generatedAt: 0)
    let fastReader = JSONReader(source: MemoryByteSource(bytes), documentName: "fuzz", bufferSize: 16 + count % 64)
    fastReader.checksSkippedContainers = false
    var fastAssembler = SnapshotAssembler()
    let fastAccepted = (try? DocumentDecoder.decode(from: fastReader, into: &fastAssembler)) != nil
    if accepted {
        precondition(fastAccepted, "the unchecked skipper rejects a document the checked one accepts")
        precondition(try! fastAssembler.snapshot(source: "fuzz", generatedAt: 0) == snapshot, "the unchecked skipper changes the snapshot")
    }
    var writer = JSONWriter()
    snapshot.write(to: &writer)
    if spills {
        var streamed: [UInt8] = []
        try! SnapshotFormatter.stream(assembler, source: "fuzz", generatedAt: 0, asDocument: false, selection: SnapshotSelection()) { streamed += $0 }
        precondition(streamed == SnapshotFormatter.jsonLines(snapshot.items), "streamed lines differ from the snapshot's")
    }
    return 0
}

var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzDocument))
