import CLibFuzzer
import Glibc
import NIOCore
import RocketMQ

/// A RocketMQ remoting byte stream: frames are decoded from the front until one is incomplete or bad,
/// and each decoded command must survive encoding and decoding again unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRemotingFrame(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var buffer = ByteBuffer(bytes: UnsafeRawBufferPointer(start: start, count: count))
    do {
        while let command = try RemotingCommand.decodeFrame(from: &buffer, maxFrameBytes: 1 << 16) {
            let again = try RemotingCommand(frame: command.encodedFrame())
            precondition(again == command, "the command changed in an encode-decode round trip")
        }
    } catch let error as RocketMQError {
        _ = "\(error)"
    } catch {
        fatalError("decoding threw a non-RocketMQError: \(error)")
    }
    return 0
}

var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzRemotingFrame))
