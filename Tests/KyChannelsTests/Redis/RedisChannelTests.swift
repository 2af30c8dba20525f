import Testing

@testable import KyChannels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `redis` channel against real `redis-server` processes, one per test.
@Suite(
    .serialized,
    .timeLimit(.minutes(1)),
    .enabled(if: RedisServerProcess.shouldRun, "redis-server not found; install redis-server or set REDIS_SERVER")
)
struct RedisChannelTests {
    /// Message bodies that must arrive byte for byte.
    enum Sample: String, CaseIterable, Sendable {
        case ascii, nonASCII, embeddedNUL, oneMebibyte

        var bytes: [UInt8] {
            switch self {
            case .ascii:
                return Array(#"{"type":"status","data":{"status":{"exec_info":{"queue_remaining":0}}}}"#.utf8)
            case .nonASCII:
                return Array(#"{"prompt":"Köln bei Nacht 🌆 — 東京","note":"tab\tquote\"slash\\"}"#.utf8)
            case .embeddedNUL:
                return Array(#"{"a":""#.utf8) + [0x00, 0xFF, 0x0D, 0x0A] + Array(#""}"#.utf8)
            case .oneMebibyte:
                let head = Array(#"{"pad":""#.utf8)
                let tail = Array(#""}"#.utf8)
                let unit = Array("äöü€x".utf8)
                var body = head
                while body.count + unit.count + tail.count <= 1 << 20 { body += unit }
                body += Array(repeating: UInt8(ascii: "y"), count: (1 << 20) - body.count - tail.count)
                return body + tail
            }
        }
    }

    @Test("a subscriber receives exactly the published bytes", arguments: Sample.allCases)
    func subscriberReceivesExactBytes(sample: Sample) async throws {
        let server = try await RedisServerProcess.start()
        let subscriber = RedisTestClient(server.configuration)
        try await subscriber.subscribe(to: "comfyui_monitor")
        let channel = RedisChannel(configuration: server.configuration)

        try await channel.send(ChannelMessage(body: sample.bytes, tag: "snapshot"))

        let received = try await subscriber.nextMessage()
        #expect(received.count == sample.bytes.count)
        #expect(received == sample.bytes, "payload differs")
        await channel.shutdown()
        await subscriber.close()
    }

    @Test("AUTH with requirepass")
    func authenticatesWithRequirepass() async throws {
        let server = try await RedisServerProcess.start(password: "s3cret-pass")
        var configuration = server.configuration
        configuration.password = "s3cret-pass"
        let subscriber = RedisTestClient(configuration)
        try await subscriber.subscribe(to: "comfyui_monitor")
        let channel = RedisChannel(configuration: configuration)

        try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))

        #expect(try await subscriber.nextMessage() == Sample.ascii.bytes)
        await channel.shutdown()
        await subscriber.close()
    }

    @Test("AUTH with an ACL user while the default user is off")
    func authenticatesAsACLUser() async throws {
        let server = try await RedisServerProcess.start(configLines: [
            "user default off",
            "user kymon on >kymon-pw ~* &* +@all",
        ])
        var configuration = server.configuration
        configuration.username = "kymon"
        configuration.password = "kymon-pw"
        let subscriber = RedisTestClient(configuration)
        try await subscriber.subscribe(to: "comfyui_monitor")
        let channel = RedisChannel(configuration: configuration)

        try await channel.send(ChannelMessage(body: Sample.nonASCII.bytes, tag: "snapshot"))
        #expect(try await subscriber.nextMessage() == Sample.nonASCII.bytes)

        var wrongUser = configuration
        wrongUser.username = "default"
        let refused = await #expect(throws: ChannelError.self) {
            try await RedisChannel(configuration: wrongUser).send(ChannelMessage(body: [0x7B, 0x7D], tag: "t"))
        }
        #expect(refused?.reason.contains("refused the password of user 'default' (WRONGPASS") == true)
        #expect(refused?.reason.contains("kymon-pw") == false)

        let anonymous = await #expect(throws: ChannelError.self) {
            try await RedisChannel(configuration: server.configuration).send(ChannelMessage(body: [0x7B, 0x7D], tag: "t"))
        }
        #expect(anonymous?.reason.contains("requires a password") == true)
        #expect(anonymous?.isRetriable == false)
        await channel.shutdown()
        await subscriber.close()
    }

    @Test("a wrong password is refused at once, and the error does not contain it")
    func wrongPasswordIsRefused() async throws {
        let server = try await RedisServerProcess.start(password: "server-secret-1")
        var configuration = server.configuration
        configuration.password = "not-the-password-42"
        configuration.backoff = .seconds(10)
        let channel = RedisChannel(configuration: configuration)

        let started = ContinuousClock.now
        let error = await #expect(throws: ChannelError.self) {
            try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        }
        let elapsed = ContinuousClock.now - started

        let reason = error?.reason ?? ""
        #expect(reason.hasPrefix("redis at 127.0.0.1:\(server.port) refused the password ("))
        #expect(reason.contains("not-the-password-42") == false)
        #expect(reason.contains("server-secret-1") == false)
        #expect(error?.channel == "redis")
        #expect(error?.isRetriable == false)
        #expect(elapsed < .seconds(5), "an AUTH failure must not be retried (backoff is 10 s)")

        let checkError = await #expect(throws: ChannelError.self) { try await channel.check() }
        #expect(checkError?.reason == reason)
        await channel.shutdown()
    }

    @Test("no password against requirepass says a password is required")
    func missingPasswordIsReported() async throws {
        let server = try await RedisServerProcess.start(password: "server-secret-2")
        let channel = RedisChannel(configuration: server.configuration)

        let error = await #expect(throws: ChannelError.self) {
            try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        }

        #expect(error?.reason.hasPrefix("redis at 127.0.0.1:\(server.port) requires a password") == true)
        #expect(error?.reason.contains("NOAUTH") == true)
        #expect(error?.isRetriable == false)
        await channel.shutdown()
    }

    @Test("SELECT a non-zero database: the stream lands there and database 0 stays empty")
    func selectsDatabase() async throws {
        let server = try await RedisServerProcess.start()
        var configuration = server.configuration
        configuration.db = 3
        configuration.mode = .stream
        configuration.channelName = "kymon:test:select"
        let channel = RedisChannel(configuration: configuration)

        try await channel.send(ChannelMessage(body: Sample.nonASCII.bytes, tag: "snapshot"))

        let db3 = RedisTestClient(configuration)
        #expect(try await db3.integer("XLEN", "kymon:test:select") == 1)
        let entries = try await db3.command("XRANGE", "kymon:test:select", "-", "+")
        guard case .array(let list) = entries, case .array(let entry)? = list.first,
            entry.count == 2, case .array(let fields) = entry[1]
        else {
            Issue.record("unexpected XRANGE reply \(entries)")
            return
        }
        #expect(fields == [.string(Array("data".utf8)), .string(Sample.nonASCII.bytes)])

        let db0 = RedisTestClient(server.configuration)
        #expect(try await db0.integer("XLEN", "kymon:test:select") == 0)
        #expect(try await db0.integer("DBSIZE") == 0)
        await channel.shutdown()
        await db3.close()
        await db0.close()
    }

    @Test("a database the server does not have is a clear, final error")
    func rejectsMissingDatabase() async throws {
        let server = try await RedisServerProcess.start()
        var configuration = server.configuration
        configuration.db = 99
        let channel = RedisChannel(configuration: configuration)

        let error = await #expect(throws: ChannelError.self) {
            try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        }

        #expect(error?.reason == "redis at 127.0.0.1:\(server.port) rejected SELECT: ERR DB index is out of range")
        #expect(error?.isRetriable == false)
        await channel.shutdown()
    }

    @Test("stream mode trims with MAXLEN ~ and keeps the last body")
    func streamIsTrimmed() async throws {
        let server = try await RedisServerProcess.start()
        var configuration = server.configuration
        configuration.mode = .stream
        configuration.streamKey = "kymon:test:trim"
        configuration.streamMaxLength = 100
        let channel = RedisChannel(configuration: configuration)

        var last: [UInt8] = []
        for sequence in 1...2_000 {
            last = Array(#"{"seq":\#(sequence),"text":"grüße"}"#.utf8)
            try await channel.send(ChannelMessage(body: last, tag: "status"))
        }

        let client = RedisTestClient(configuration)
        let length = try await client.integer("XLEN", "kymon:test:trim")
        #expect((100...300).contains(length), "XLEN is \(length)")
        let newest = try await client.command("XREVRANGE", "kymon:test:trim", "+", "-", "COUNT", "1")
        #expect(newest.firstEntryFields == [.string(Array("data".utf8)), .string(last)])
        #expect(try await client.integer("EXISTS", "comfyui_monitor") == 0)
        await channel.shutdown()
        await client.close()
    }

    @Test("a stopped server gives a retriable error naming host:port")
    func stoppedServerIsAConnectionError() async throws {
        let server = try await RedisServerProcess.start()
        let channel = RedisChannel(configuration: server.configuration)
        try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))

        server.stop()
        let error = await #expect(throws: ChannelError.self) {
            try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        }

        #expect(error?.reason == "cannot connect to redis at 127.0.0.1:\(server.port): Connection refused")
        #expect(error?.isRetriable == true)
        #expect(error?.description == "channel redis: cannot connect to redis at 127.0.0.1:\(server.port): Connection refused")
        await channel.shutdown()
    }

    @Test("after a restart between sends, the next send reconnects and succeeds")
    func reconnectsAfterRestart() async throws {
        let server = try await RedisServerProcess.start()
        let channel = RedisChannel(configuration: server.configuration)
        try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))

        try await server.restart()
        let subscriber = RedisTestClient(server.configuration)
        try await subscriber.subscribe(to: "comfyui_monitor")
        try await channel.send(ChannelMessage(body: Sample.nonASCII.bytes, tag: "snapshot"))

        #expect(try await subscriber.nextMessage() == Sample.nonASCII.bytes)
        await channel.shutdown()
        await subscriber.close()
    }

    @Test("without retries, the send that finds the connection dead fails and the next one reconnects")
    func reconnectsOnTheNextAttempt() async throws {
        let server = try await RedisServerProcess.start()
        var configuration = server.configuration
        configuration.retries = 0
        let channel = RedisChannel(configuration: configuration)
        try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))

        try await server.restart()
        let error = await #expect(throws: ChannelError.self) {
            try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        }
        #expect(error?.reason.hasPrefix("lost the connection to redis at 127.0.0.1:\(server.port) during PUBLISH: ") == true)
        #expect(error?.isRetriable == true)

        let subscriber = RedisTestClient(configuration)
        try await subscriber.subscribe(to: "comfyui_monitor")
        try await channel.send(ChannelMessage(body: Sample.embeddedNUL.bytes, tag: "snapshot"))
        #expect(try await subscriber.nextMessage() == Sample.embeddedNUL.bytes)
        await channel.shutdown()
        await subscriber.close()
    }

    @Test("a server that does not answer hits the command timeout")
    func commandTimesOut() async throws {
        let server = try await RedisServerProcess.start()
        var configuration = server.configuration
        configuration.commandTimeout = .milliseconds(300)
        configuration.retries = 0
        let channel = RedisChannel(configuration: configuration)

        server.pause()
        let started = ContinuousClock.now
        let error = await #expect(throws: ChannelError.self) {
            try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        }
        let elapsed = ContinuousClock.now - started
        server.resume()

        #expect(error?.reason == "redis at 127.0.0.1:\(server.port) did not answer PUBLISH within 300ms")
        #expect(error?.isRetriable == true)
        #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(4), "took \(elapsed) (the command timeout is 300 ms; the connection's is 5 s)")
        try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        await channel.shutdown()
    }

    @Test("a cancelled send returns at once, even while redis does not answer")
    func cancellationIsPrompt() async throws {
        let server = try await RedisServerProcess.start()
        let channel = RedisChannel(configuration: server.configuration)  // command timeout 5 s
        try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        let subscriber = RedisTestClient(server.configuration)
        try await subscriber.subscribe(to: "comfyui_monitor")

        server.pause()
        let started = ContinuousClock.now
        await #expect(throws: CancellationError.self) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await channel.send(ChannelMessage(body: Sample.nonASCII.bytes, tag: "late")) }
                try await Task.sleep(for: .milliseconds(200))
                group.cancelAll()
                try await group.next()
            }
        }
        let elapsed = ContinuousClock.now - started
        server.resume()

        #expect(elapsed < .seconds(4), "took \(elapsed) (the command timeout is 5 s)")
        // The PUBLISH that was already on the wire still arrives once the server runs again.
        #expect(try await subscriber.nextMessage() == Sample.nonASCII.bytes)
        try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        #expect(try await subscriber.nextMessage() == Sample.ascii.bytes)
        await channel.shutdown()
        await subscriber.close()
    }

    @Test("writing to a connection the server closed gives an error and raises no SIGPIPE")
    func brokenPipeIsAnError() async throws {
        let server = try await RedisServerProcess.start()
        var configuration = server.configuration
        configuration.retries = 0
        let channel = RedisChannel(configuration: configuration)
        try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        try await server.restart()
        // The old socket got the server's FIN. A body larger than the socket buffer needs several write()
        // calls; the first one draws an RST, and the next one raises SIGPIPE unless the channel guards it.
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 16 << 20)

        // The test runner ignores SIGPIPE, which would hide a missing guard. Count deliveries instead of
        // restoring the default action, which would kill the whole test process.
        sigpipeDeliveries = 0
        let previous = signal(SIGPIPE) { _ in sigpipeDeliveries += 1 }
        let error = await #expect(throws: ChannelError.self) {
            try await channel.send(ChannelMessage(body: body, tag: "snapshot"))
        }
        signal(SIGPIPE, previous)

        #expect(sigpipeDeliveries == 0, "SIGPIPE reached the process")
        #expect(error?.reason.hasPrefix("lost the connection to redis at 127.0.0.1:\(server.port) during PUBLISH: ") == true)
        #expect(error?.isRetriable == true)
        try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        await channel.shutdown()
    }

    @Test("check() answers with the server version and database")
    func checkSummarisesServer() async throws {
        let server = try await RedisServerProcess.start(password: "doctor-pw")
        var configuration = server.configuration
        configuration.password = "doctor-pw"
        configuration.db = 2
        let client = RedisTestClient(configuration)
        let version = try await client.info("server", field: "redis_version")

        let summary = try await RedisChannel(configuration: configuration).check()

        #expect(version?.isEmpty == false)
        #expect(summary == "PONG from redis \(version ?? "?") (db 2)")
        server.stop()
        let error = await #expect(throws: ChannelError.self) { try await RedisChannel(configuration: configuration).check() }
        #expect(error?.reason == "cannot connect to redis at 127.0.0.1:\(server.port): Connection refused")
        await client.close()
    }

    @Test("shutdown() closes the connection, and later sends fail")
    func shutdownClosesConnection() async throws {
        let server = try await RedisServerProcess.start()
        let client = RedisTestClient(server.configuration)
        let channel = RedisChannel(configuration: server.configuration)
        try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        #expect(try await client.info("clients", field: "connected_clients") == "2")

        await channel.shutdown()

        let deadline = ContinuousClock.now + .seconds(5)
        var clients = try await client.info("clients", field: "connected_clients")
        while clients != "1", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            clients = try await client.info("clients", field: "connected_clients")
        }
        #expect(clients == "1")
        let error = await #expect(throws: ChannelError.self) {
            try await channel.send(ChannelMessage(body: Sample.ascii.bytes, tag: "snapshot"))
        }
        #expect(error?.reason == "the redis channel for 127.0.0.1:\(server.port) is shut down")
        #expect(error?.isRetriable == false)
        await client.close()
    }
}

/// SIGPIPE signals the handler of `brokenPipeIsAnError` saw; written only by that handler.
nonisolated(unsafe) private var sigpipeDeliveries: sig_atomic_t = 0

extension RedisReply {
    /// The field list of the first entry of an `XRANGE`/`XREVRANGE` reply.
    fileprivate var firstEntryFields: [RedisReply]? {
        guard case .array(let entries) = self, case .array(let entry)? = entries.first, entry.count == 2,
            case .array(let fields) = entry[1]
        else { return nil }
        return fields
    }
}
