import Foundation
import KyTestSupport
import NIOCore
import Testing

@testable import RocketMQ

@Suite("Frame decoding limits and garbage")
struct RemotingFrameDecoderTests {
    /// A frame with the given raw length field, header word and content.
    static func frame(length: Int32, word: UInt32, content: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(length, endianness: .big)
        buffer.writeInteger(word, endianness: .big)
        buffer.writeBytes(content)
        return buffer
    }

    static func header(_ json: String, body: [UInt8] = []) -> ByteBuffer {
        let bytes = Array(json.utf8)
        return frame(length: Int32(4 + bytes.count + body.count), word: UInt32(bytes.count), content: bytes + body)
    }

    @Test("frames fed one byte at a time come out whole and in order")
    func incrementalDecoding() throws {
        let names = ["java_route_resp_std_json", "java_send_v2_resp_ok", "py_send_v2_resp_1_system_error"]
        let frames = try names.map { try Wire.key($0) }
        var decoder = RemotingFrameDecoder()
        var buffer = ByteBuffer()
        var decoded: [RemotingCommand] = []
        for byte in frames.joined() {
            buffer.writeInteger(byte)
            while let command = try decoder.decode(buffer: &buffer) {
                decoded.append(command)
            }
        }
        #expect(decoded == (try frames.map { try RemotingCommand(frame: $0) }))
        #expect(buffer.readableBytes == 0)
    }

    @Test("a length over the cap fails as soon as the 4 length bytes arrive")
    func hugeLengthRejectedBeforeBuffering() throws {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32.max, endianness: .big)
        #expect(
            throws: RocketMQError.frameTooLarge(length: Int(Int32.max), limit: RemotingCommand.defaultMaxFrameBytes)
        ) {
            _ = try RemotingCommand.decodeFrame(from: &buffer)
        }
        var small = ByteBuffer()
        small.writeInteger(Int32(2000), endianness: .big)
        #expect(throws: RocketMQError.frameTooLarge(length: 2000, limit: 1024)) {
            _ = try RemotingCommand.decodeFrame(from: &small, maxFrameBytes: 1024)
        }
    }

    @Test("lengths below 4 and negative lengths are malformed", arguments: [Int32(0), 3, -1, Int32.min])
    func tinyOrNegativeLength(length: Int32) throws {
        var buffer = Self.frame(length: length, word: 0, content: [])
        let error = try #require(throws: RocketMQError.self) { _ = try RemotingCommand.decodeFrame(from: &buffer) }
        #expect(error.shortDescription == "malformedFrame")
    }

    @Test("a header length beyond the frame is malformed")
    func headerLongerThanFrame() throws {
        var buffer = Self.frame(length: 10, word: 7, content: Array("{}{}{}".utf8))
        let error = try #require(throws: RocketMQError.self) { _ = try RemotingCommand.decodeFrame(from: &buffer) }
        #expect(error.description.contains("header length 7 exceeds the frame length 10"))
    }

    @Test("the rocketmq binary serialize type is refused with a clear error")
    func binarySerializeTypeRefused() throws {
        let content = Array("{\"code\":0}".utf8)
        var buffer = Self.frame(
            length: Int32(4 + content.count), word: 1 << 24 | UInt32(content.count), content: content)
        let error = try #require(throws: RocketMQError.self) { _ = try RemotingCommand.decodeFrame(from: &buffer) }
        #expect(error.description.contains("serialize type 1 (rocketmq binary) is not supported"))
        var other = Self.frame(
            length: Int32(4 + content.count), word: 9 << 24 | UInt32(content.count), content: content)
        #expect(throws: RocketMQError.malformedFrame("unknown serialize type 9")) {
            _ = try RemotingCommand.decodeFrame(from: &other)
        }
    }

    @Test(
        "bad header json is malformed",
        arguments: [
            "{\"code\":", "not json", "[1,2]", "{\"flag\":1}", "{\"code\":\"17\"}", "{\"code\":1.5}",
            "{\"code\":0,\"opaque\":99999999999}", "{\"code\":0,\"extFields\":{\"a\":{\"b\":1}}}",
            "{\"code\":0,\"extFields\":[1]}", "{\"code\":0,\"remark\":5}", "\u{FF}\u{FE}",
        ]
    )
    func badHeaderJSON(json: String) throws {
        var buffer = Self.header(json)
        let error = try #require(throws: RocketMQError.self) { _ = try RemotingCommand.decodeFrame(from: &buffer) }
        #expect(error.shortDescription == "malformedFrame")
        #expect(error.description.hasPrefix("malformed rocketmq frame: invalid header json"))
    }

    @Test("a whole-frame init refuses truncated input and trailing bytes")
    func wholeFrameBounds() throws {
        let bytes = try Wire.key("java_send_v2_resp_ok")
        #expect(throws: RocketMQError.self) { _ = try RemotingCommand(frame: Array(bytes.dropLast())) }
        #expect(throws: RocketMQError.self) { _ = try RemotingCommand(frame: bytes + [0]) }
        #expect(throws: RocketMQError.self) { _ = try RemotingCommand(frame: []) }
    }

    @Test("random bytes and mutated captured frames never trap")
    func garbageNeverCrashes() throws {
        var generator = SplitMix64(seed: 0x5EED_4B59)
        let captured = try Wire.frameFiles().prefix(30).map { Array(try Data(contentsOf: $0)) }
        var outcomes = (decoded: 0, errors: 0, incomplete: 0)
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0..<96, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
                if round % 4 == 0, bytes.count >= 8 {
                    // A plausible small length so the header path is reached.
                    bytes[0] = 0
                    bytes[1] = 0
                    bytes[2] = 0
                    bytes[3] = UInt8(bytes.count - 4)
                    bytes[4] = 0
                }
            } else {
                bytes = captured[Int.random(in: 0..<captured.count, using: &generator)]
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
            }
            var buffer = ByteBuffer(bytes: bytes)
            do {
                while (try RemotingCommand.decodeFrame(from: &buffer, maxFrameBytes: 4096)) != nil {
                    outcomes.decoded += 1
                }
                outcomes.incomplete += 1
            } catch is RocketMQError {
                outcomes.errors += 1
            }
        }
        #expect(outcomes.errors > 100)
        #expect(outcomes.decoded > 10)
    }
}
