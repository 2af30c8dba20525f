import Testing

@testable import RocketMQ

@Suite("Name server addresses")
struct RocketMQAddressTests {
    @Test("valid lists parse in order")
    func validLists() throws {
        let list = try RocketMQAddress.parseList(" 127.0.0.1:9876 ; mq-ns.internal:10876;[::1]:9877;")
        #expect(list.map(\.host) == ["127.0.0.1", "mq-ns.internal", "::1"])
        #expect(list.map(\.port) == [9876, 10876, 9877])
        #expect(list.map(\.description) == ["127.0.0.1:9876", "mq-ns.internal:10876", "[::1]:9877"])
    }

    @Test(
        "invalid lists name the bad part",
        arguments: [
            ("", "name server list is empty"),
            ("  ", "name server list is empty"),
            ("ns1", "address 'ns1' has no port"),
            ("ns1:9876;ns2", "address 'ns2' has no port"),
            ("ns1:", "address 'ns1:' has an invalid port ''"),
            ("ns1:98x6", "invalid port '98x6'"),
            ("ns1:70000", "port 70000 of host 'ns1' is outside 1…65535"),
            ("ns1:0", "port 0 of host 'ns1'"),
            (":9876", "address ':9876' is invalid: address has an empty host"),
            ("a:1;;b:2", "has an empty entry at position 2"),
            ("::1:9876", "ipv6 host without brackets"),
            ("[::1]9876", "is not [ipv6]:port"),
            ("bad host:1", "host 'bad host' contains characters"),
            ("ns1:+12", "invalid port '+12'"),
        ]
    )
    func invalidLists(text: String, expected: String) throws {
        let error = try #require(throws: RocketMQError.self) { _ = try RocketMQAddress.parseList(text) }
        #expect(error.shortDescription == "invalidConfiguration")
        #expect(error.description.contains(expected), "\(error.description)")
    }
}
