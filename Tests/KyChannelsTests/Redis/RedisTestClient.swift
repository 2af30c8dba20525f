@testable import KyChannels

/// A raw redis client for assertions, on the same connection wrapper as the channel: it runs commands
/// and, once subscribed, reads the messages the server pushes (each read bounded by the command timeout).
struct RedisTestClient: Sendable {
    private let queue: RedisConnectionQueue

    init(_ configuration: RedisConfiguration) {
        queue = RedisConnectionQueue(configuration: configuration)
    }

    /// Runs one command; an error reply throws ``RedisError``.
    func command(_ arguments: String...) async throws -> RedisReply {
        let argv = arguments.map { Array($0.utf8) }
        return try await queue.withConnection { connection throws(RedisError) in try connection.command(argv) }
    }

    /// Subscribes to `channel` and waits for the confirmation, so later publishes reach this client.
    func subscribe(to channel: String) async throws {
        let reply = try await command("SUBSCRIBE", channel)
        guard case .array(let parts) = reply, parts.first?.text == "subscribe" else {
            throw RedisServerError("unexpected SUBSCRIBE reply: \(reply)")
        }
    }

    /// The payload of the next message pushed to this subscriber.
    func nextMessage() async throws -> [UInt8] {
        let reply = try await queue.withConnection { connection throws(RedisError) in try connection.nextReply() }
        guard case .array(let parts) = reply, parts.count == 3, parts[0].text == "message", let payload = parts[2].bytes
        else {
            throw RedisServerError("expected a pub/sub message, got \(reply.summary)")
        }
        return payload
    }

    /// The integer reply of a command such as `XLEN` or `DBSIZE`.
    func integer(_ arguments: String...) async throws -> Int64 {
        let argv = arguments.map { Array($0.utf8) }
        let reply = try await queue.withConnection { connection throws(RedisError) in try connection.command(argv) }
        guard case .integer(let value) = reply else { throw RedisServerError("expected an integer, got \(reply.summary)") }
        return value
    }

    /// One field of `INFO <section>`, e.g. `connected_clients`.
    func info(_ section: String, field: String) async throws -> String? {
        let text = try await command("INFO", section).text ?? ""
        return text.split(whereSeparator: \.isNewline)
            .first { $0.hasPrefix(field + ":") }
            .map { String($0.dropFirst(field.count + 1)) }
    }

    /// Closes the connection.
    func close() async {
        await queue.shutdown()
    }
}
