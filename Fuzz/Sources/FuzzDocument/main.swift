import CLibFuzzer
import Glibc
import KyQuery

/// A `/queue`, `/history` or `/api/jobs` document, read through a small buffer so refills land
/// at many offsets, then assembled into a snapshot and written out as JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDocument(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let reader = JSONReader(source: MemoryByteSource(bytes), documentName: "fuzz", bufferSize: 16 + count % 64)
    var assembler = SnapshotAssembler()
    do {
        try DocumentDecoder.decode(from: reader, into: &assembler)
    } catch {
        _ = "\(error)"
    }
    var writer = JSONWriter()
    assembler.snapshot(source: "fuzz", generatedAt: 0).write(to: &writer)
    return 0
}

var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzDocument))
