import Testing

@testable import RocketMQ

@Suite("Quoting bare integer keys")
struct LegacyJSONKeyQuoterTests {
    @Test(
        "bare integer keys are quoted, everything else is untouched",
        arguments: [
            (#"{0:"a"}"#, #"{"0":"a"}"#),
            (#"{ 0 : "a" ,1:"b"}"#, #"{ "0" : "a" ,"1":"b"}"#),
            (#"{-1:"a"}"#, #"{"-1":"a"}"#),
            (#"{"m":{0:{12:"x"}}}"#, #"{"m":{"0":{"12":"x"}}}"#),
            (#"{"s":"{0:a,1:b}"}"#, #"{"s":"{0:a,1:b}"}"#),
            (#"{"s":"q\"{0:\\","t":{0:"z"}}"#, #"{"s":"q\"{0:\\","t":{"0":"z"}}"#),
            ("[1,2,{3:4}]", #"[1,2,{"3":4}]"#),
            (#"{"0":"already"}"#, #"{"0":"already"}"#),
            (#"{"n":10,"m":[0, 1]}"#, #"{"n":10,"m":[0, 1]}"#),
            ("{0", "{0"),
            ("", ""),
        ]
    )
    func quoting(input: String, expected: String) {
        let output = LegacyJSONKeyQuoter.quoteIntegerKeys(Array(input.utf8))
        #expect(String(decoding: output, as: UTF8.self) == expected)
    }
}
