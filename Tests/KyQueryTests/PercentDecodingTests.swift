import KyQuery
import Testing

@Suite("Percent decoding of URL user info")
struct PercentDecodingTests {
    @Test("escapes decode in either case; other bytes stay as they are")
    func decodes() {
        #expect(PercentDecoding.string("a%40b%3aw%2F%25") == "a@b:w/%")
        #expect(PercentDecoding.string("plain-é") == "plain-é")
        #expect(PercentDecoding.string("") == "")
        #expect(PercentDecoding.bytes("%00%ff") == [0x00, 0xFF])
    }

    @Test("a malformed escape gives nil", arguments: ["%", "%4", "%zz", "a%4g", "%%41"])
    func malformed(text: String) {
        #expect(PercentDecoding.bytes(text[...]) == nil)
        #expect(PercentDecoding.string(text[...]) == nil)
    }

    @Test("bytes that are not UTF-8 give no string")
    func notUTF8() {
        #expect(PercentDecoding.bytes("%C3%28") == [0xC3, 0x28])
        #expect(PercentDecoding.string("%C3%28") == nil)
        #expect(PercentDecoding.string("%C3%A9") == "é")
    }

    @Test("a server URL with a malformed escape sends its credentials as written")
    func serverURLFallback() throws {
        #expect(try ServerURL("http://a%zz:pw@gpu").basicAuthorization == "Basic YSV6ejpwdw==")  // base64 of a%zz:pw
    }
}
