import RocketMQ
import RocketMQTestSupport
import Testing

@Suite("Captured frame patching in the fakes")
struct CapturedFrameTests {
    @Test("an unpatched frame re-frames to the captured bytes")
    func identity() throws {
        for name in ["java_route_resp_std_json", "java_send_v2_resp_ok", "py_send_v2_resp_1_system_error"] {
            let bytes = try Wire.key(name)
            #expect(try CapturedFrame(bytes: bytes).bytes == bytes)
        }
    }

    @Test("patching the opaque changes only the opaque digits")
    func opaqueOnly() throws {
        let bytes = try Wire.key("java_send_v2_resp_ok")
        let frame = try CapturedFrame(bytes: bytes)
        let patched = try frame.withOpaque(123_456)
        let expected = String(decoding: frame.header, as: UTF8.self).replacingOccurrences(
            of: "\"opaque\":4,", with: "\"opaque\":123456,")
        #expect(String(decoding: patched.header, as: UTF8.self) == expected)
        #expect(patched.body == frame.body)
        let decoded = try RemotingCommand(frame: patched.bytes)
        let original = try RemotingCommand(frame: bytes)
        #expect(decoded.opaque == 123_456)
        #expect(decoded.extFields == original.extFields)
        #expect(decoded.code == original.code)
    }

    @Test("the broker address in a route body is replaced and the rest kept")
    func brokerAddress() throws {
        let frame = try CapturedFrame(bytes: Wire.key("py_route_resp_legacy_unquoted_keys"))
        let patched = frame.replacingInBody("127.0.0.1:10911", with: "127.0.0.1:4321")
        let before = String(decoding: frame.body, as: UTF8.self)
        #expect(String(decoding: patched.body, as: UTF8.self) == before.replacingOccurrences(of: "10911", with: "4321"))
        #expect(patched.header == frame.header)
    }

    @Test("code and remark can be patched, quoting the remark")
    func codeAndRemark() throws {
        let frame = try CapturedFrame(bytes: Wire.key("py_send_v2_resp_1_system_error"))
        let patched = try frame.settingHeaderValue("code", json: "14").withRemark("busy \"now\"\n")
        let decoded = try RemotingCommand(frame: patched.bytes)
        #expect(decoded.code == 14)
        #expect(decoded.remark == "busy \"now\"\n")
        #expect(decoded.extFields == ["TRACE_ON": "true", "MSG_REGION": "DefaultRegion"])
    }
}
