import CLibFuzzer
import Glibc
import KyQuery

/// One ComfyUI WebSocket text message, as the watch loop hands it to the decoder.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvent(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let frame = Array(UnsafeRawBufferPointer(start: start, count: count))
    do {
        _ = try ComfyEvent.decode(frame, name: "fuzz/ws")
    } catch {
        _ = "\(error)"
    }
    return 0
}

var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzEvent))
