import CLibFuzzer
import Glibc
import KyQuery

/// One ComfyUI WebSocket text message, as the watch loop hands it to the decoder.
func fuzzEvent(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let frame = Array(UnsafeRawBufferPointer(start: start, count: count))
    do {
        _ = try ComfyEvent.decode(frame, name: "fuzz/ws")
    } catch {
        _ = "\(error)"
    }
    return 0
}

var arguments = (count: CommandLine.argc, values: Optional(CommandLine.unsafeArgv))
exit(LLVMFuzzerRunDriver(&arguments.count, &arguments.values, fuzzEvent))
