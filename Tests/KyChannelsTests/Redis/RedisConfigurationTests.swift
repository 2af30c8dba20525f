import Testing

@testable import KyChannels

/// `RedisConfiguration`: defaults, `redis://` URLs and password masking; no server needed.
@Suite
struct RedisConfigurationTests {
    @Test("defaults")
    func defaults() {
        let configuration = RedisConfiguration()
        #expect(configuration.host == "localhost")
        #expect(configuration.port == 6379)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
        #expect(configuration.db == 0)
        #expect(configuration.channelName == "comfyui_monitor")
        #expect(configuration.mode == .pubsub)
        #expect(configuration.streamKey == "comfyui_monitor")
        #expect(configuration.streamMaxLength == 10_000)
        #expect(configuration.connectTimeout == .seconds(5))
        #expect(configuration.commandTimeout == .seconds(5))
        #expect(configuration.retries == 2)
        #expect(configuration.backoff == .milliseconds(200))
    }

    @Test("the stream key follows the channel name until it is set")
    func streamKeyFollowsChannelName() {
        var configuration = RedisConfiguration()
        configuration.channelName = "events"
        #expect(configuration.streamKey == "events")
        configuration.streamKey = "events:stream"
        configuration.channelName = "other"
        #expect(configuration.streamKey == "events:stream")
    }

    struct ValidURL: Sendable, CustomTestStringConvertible {
        let url: String
        let host: String
        let port: Int
        let username: String?
        let password: String?
        let db: Int
        var testDescription: String { url }
    }

    @Test(
        "valid redis:// URLs",
        arguments: [
            ValidURL(url: "redis://localhost:6379/0", host: "localhost", port: 6379, username: nil, password: nil, db: 0),
            ValidURL(url: "redis://127.0.0.1", host: "127.0.0.1", port: 6379, username: nil, password: nil, db: 0),
            ValidURL(url: "redis://cache.example:7000/", host: "cache.example", port: 7000, username: nil, password: nil, db: 0),
            ValidURL(url: "REDIS://Cache:6380/15", host: "Cache", port: 6380, username: nil, password: nil, db: 15),
            ValidURL(url: "redis://:pw@h/2", host: "h", port: 6379, username: nil, password: "pw", db: 2),
            ValidURL(url: "redis://kymon:pw@h:1/3", host: "h", port: 1, username: "kymon", password: "pw", db: 3),
            ValidURL(
                url: "redis://:p%40ss%3Aw%2Fd%25@h:6379/1", host: "h", port: 6379, username: nil, password: "p@ss:w/d%", db: 1),
            ValidURL(url: "redis://us%65r:p%C3%A4ss+@h", host: "h", port: 6379, username: "user", password: "päss+", db: 0),
            ValidURL(url: "redis://u:a:b@h", host: "h", port: 6379, username: "u", password: "a:b", db: 0),
            ValidURL(url: "redis://[::1]:6380/4", host: "::1", port: 6380, username: nil, password: nil, db: 4),
            ValidURL(url: "redis://[::1]", host: "::1", port: 6379, username: nil, password: nil, db: 0),
            ValidURL(url: "redis://", host: "localhost", port: 6379, username: nil, password: nil, db: 0),
        ]
    )
    func parsesURL(_ expected: ValidURL) throws {
        let configuration = try RedisConfiguration(url: expected.url)
        #expect(configuration.host == expected.host)
        #expect(configuration.port == expected.port)
        #expect(configuration.username == expected.username)
        #expect(configuration.password == expected.password)
        #expect(configuration.db == expected.db)
        #expect(configuration.channelName == "comfyui_monitor")
    }

    @Test(
        "invalid URLs are refused with a specific reason",
        arguments: [
            ("rediss://:pw@h:6380", "invalid redis URL 'rediss://***@h:6380': TLS is not supported (rediss://); use redis://"),
            ("http://h", "invalid redis URL 'http://h': the scheme must be redis://, not 'http://'"),
            ("unix:///run/redis.sock", "invalid redis URL 'unix:///run/redis.sock': unix sockets are not supported; use redis://host:port"),
            ("localhost:6379", "invalid redis URL 'localhost:6379': expected redis://[user:password@]host[:port][/db]"),
            ("redis://h:0", "invalid redis URL 'redis://h:0': the port must be a number from 1 to 65535, not '0'"),
            ("redis://h:65536", "invalid redis URL 'redis://h:65536': the port must be a number from 1 to 65535, not '65536'"),
            ("redis://h:", "invalid redis URL 'redis://h:': the port must be a number from 1 to 65535, not ''"),
            ("redis://h:abc/0", "invalid redis URL 'redis://h:abc/0': the port must be a number from 1 to 65535, not 'abc'"),
            ("redis://h/x", "invalid redis URL 'redis://h/x': the database must be a non-negative number, not 'x'"),
            ("redis://h/-1", "invalid redis URL 'redis://h/-1': the database must be a non-negative number, not '-1'"),
            ("redis://h/1/2", "invalid redis URL 'redis://h/1/2': the database must be a non-negative number, not '1/2'"),
            ("redis://h?db=1", "invalid redis URL 'redis://h?db=1': query parameters and fragments are not supported"),
            ("redis://::1", "invalid redis URL 'redis://::1': an IPv6 address must be written in brackets, like [::1]"),
            ("redis://[::1", "invalid redis URL 'redis://[::1': the IPv6 address has no closing ']'"),
            ("redis://secret@h", "invalid redis URL 'redis://***@h': the part before '@' must be 'user:password' or ':password'"),
            ("redis://u:@h", "invalid redis URL 'redis://***@h': the password after ':' is empty"),
            ("redis://:se%zzcret@h", "invalid redis URL 'redis://***@h': the password has a malformed percent escape or is not UTF-8"),
            ("redis://:se%FFcret@h", "invalid redis URL 'redis://***@h': the password has a malformed percent escape or is not UTF-8"),
            ("redis://u%4:secret@h", "invalid redis URL 'redis://***@h': the user name has a malformed percent escape or is not UTF-8"),
            ("redis://:secret@h:port", "invalid redis URL 'redis://***@h:port': the port must be a number from 1 to 65535, not 'port'"),
            ("redis://ho st", "invalid redis URL 'redis://ho st': the host 'ho st' contains a space, '%' or a control character"),
        ]
    )
    func refusesURL(_ url: String, _ expectedReason: String) {
        let error = #expect(throws: ChannelError.self) { try RedisConfiguration(url: url) }
        #expect(error?.reason == expectedReason)
        #expect(error?.channel == "redis")
        #expect(error?.isRetriable == false)
        #expect(error?.description.contains("secret") == false)
    }

    @Test("description, debug description and dump mask the password")
    func masksPassword() throws {
        var configuration = try RedisConfiguration(url: "redis://ky%3Amon:hunter2-secret@cache:6380/1")
        #expect(configuration.description == "redis://ky%3Amon:***@cache:6380/1 pubsub 'comfyui_monitor'")
        configuration.mode = .stream
        configuration.streamMaxLength = 500
        #expect(configuration.description == "redis://ky%3Amon:***@cache:6380/1 stream 'comfyui_monitor' maxlen ~500")
        #expect(!String(reflecting: configuration).contains("hunter2"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(dumped.contains("***"))
        #expect(RedisConfiguration(host: "::1").description == "redis://[::1]:6379/0 pubsub 'comfyui_monitor'")
    }
}
