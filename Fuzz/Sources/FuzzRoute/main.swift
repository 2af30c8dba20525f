import CLibFuzzer
import Glibc
import RocketMQ

/// A name server's route reply body (standard or legacy JSON), and the queues a producer derives from it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRoute(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = Array(UnsafeRawBufferPointer(start: start, count: count))
    do {
        let route = try TopicRouteData(json: body)
        _ = route.writableQueues()
        _ = route.writableQueues(maxQueuesPerBroker: 4)
    } catch let error as RocketMQError {
        _ = "\(error)"
    } catch {
        fatalError("decoding threw a non-RocketMQError: \(error)")
    }
    return 0
}

var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzRoute))
