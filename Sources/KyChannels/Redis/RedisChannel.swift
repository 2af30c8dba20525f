import Logging
import NIOConcurrencyHelpers

/// The `redis` channel: publishes each message with `PUBLISH` (pubsub mode) or appends it to a capped
/// stream with `XADD … MAXLEN ~ n * data <json>` (stream mode).
///
/// The channel opens one connection on the first send and keeps it. After a connection error (refused,
/// reset, EOF, timeout) it drops the connection and tries again on a new one, up to
/// ``RedisConfiguration/retries`` times, waiting ``RedisConfiguration/backoff`` before the first retry and
/// twice as long before each further one. A refused password and other server refusals are not retried.
/// Errors are `ChannelError`s whose reason names `host:port` and never contains the password; a cancelled
/// task gets `CancellationError` at once. A command that timed out or was cancelled may still have reached
/// the server, so a retry can deliver a message twice. Call ``shutdown()`` after the last send.
///
/// In pubsub mode a `PUBLISH` that reached no subscriber is delivered as far as Redis goes, but nobody
/// heard it (pub/sub keeps nothing): such messages are counted (``messagesWithoutSubscriber``) and the
/// first of each run of them is logged.
public final class RedisChannel: Channel {
    /// Always `redis`.
    public let name = "redis"
    /// The settings the channel was created with.
    public let configuration: RedisConfiguration
    private let connection: RedisConnectionQueue
    private let logger: Logger
    /// Messages published to no subscriber, and whether the last one was.
    private let unheard = NIOLockedValueBox<(count: Int, lastUnheard: Bool)>((0, false))

    /// Creates the channel; it connects on the first ``send(_:)`` or ``check()``.
    public init(configuration: RedisConfiguration, logger: Logger = Logger(label: "kymon.redis")) {
        self.configuration = configuration
        self.connection = RedisConnectionQueue(configuration: configuration)
        self.logger = logger
    }

    /// Pubsub mode: messages `PUBLISH`ed while no client subscribed to the channel.
    public var messagesWithoutSubscriber: Int { unheard.withLockedValue { $0.count } }

    /// Publishes or appends `message.body`, retrying connection failures as configured.
    ///
    /// Throws a `ChannelError`, or `CancellationError` when the task is cancelled.
    public func send(_ message: ChannelMessage) async throws {
        switch configuration.mode {
        case .pubsub:
            let argv = [Array("PUBLISH".utf8), Array(configuration.channelName.utf8), message.body]
            let reply = try await perform(argv, retries: configuration.retries)
            guard case .integer(let receivers) = reply else { throw unexpected(reply, from: "PUBLISH") }
            noteReceivers(receivers)
        case .stream:
            var argv = [Array("XADD".utf8), Array(configuration.streamKey.utf8)]
            if configuration.streamMaxLength > 0 {
                argv += [Array("MAXLEN".utf8), Array("~".utf8), Array(String(configuration.streamMaxLength).utf8)]
            }
            argv += [Array("*".utf8), Array("data".utf8), message.body]
            let reply = try await perform(argv, retries: configuration.retries)
            guard case .string = reply else { throw unexpected(reply, from: "XADD") }
        }
    }

    /// Connects (with `AUTH` and `SELECT`), sends `PING`, and summarises the answer for `kymon doctor`,
    /// e.g. `PONG from redis 7.0.15 (db 0)`. Tries once; a failure throws the same errors as ``send(_:)``.
    public func check() async throws -> String {
        let pong = try await perform([Array("PING".utf8)], retries: 0)
        guard pong == .status("PONG") else { throw unexpected(pong, from: "PING") }
        // The version is a nicety: a user whose ACL forbids INFO still gets the PONG.
        let info = try? await perform([Array("INFO".utf8), Array("server".utf8)], retries: 0)
        let version = info?.text.flatMap(Self.redisVersion(inInfo:)).map { " \($0)" } ?? ""
        return "PONG from redis\(version) (db \(configuration.db))"
    }

    /// Closes the connection, after a command still running on it (at most its timeout); later sends fail.
    public func shutdown() async {
        await connection.shutdown()
    }

    /// Runs `argv`, retrying retriable failures `retries` times with a doubling backoff in between.
    /// Throws a `ChannelError`, or `CancellationError` when the task is cancelled.
    private func perform(_ argv: [[UInt8]], retries: Int) async throws -> RedisReply {
        var attempt = 0
        while true {
            do {
                return try await connection.withConnection { connection throws(RedisError) in
                    try connection.command(argv)
                }
            } catch let failure as RedisError {
                guard failure.isRetriable, attempt < retries else { throw channelError(failure) }
                try await Task.sleep(for: configuration.backoff * (1 << min(attempt, 10)))
                attempt += 1
            }
        }
    }

    private func noteReceivers(_ receivers: Int64) {
        let (count, startsRun) = unheard.withLockedValue { state -> (Int, Bool) in
            let startsRun = receivers == 0 && !state.lastUnheard
            if receivers == 0 { state.count += 1 }
            state.lastUnheard = receivers == 0
            return (state.count, startsRun)
        }
        if startsRun {
            logger.warning(
                "channel redis: PUBLISH to '\(configuration.channelName)' reached no subscriber (\(count) so far); pub/sub keeps nothing, use redis_channel.mode stream to keep messages"
            )
        }
    }

    private func channelError(_ error: RedisError) -> ChannelError {
        ChannelError(channel: name, reason: error.description, isRetriable: error.isRetriable)
    }

    private func unexpected(_ reply: RedisReply, from operation: String) -> ChannelError {
        channelError(.unexpectedReply(address: configuration.address, operation: operation, reply: reply.summary))
    }

    /// The `redis_version` field of an `INFO server` reply.
    private static func redisVersion(inInfo info: String) -> String? {
        for line in info.split(whereSeparator: \.isNewline) where line.hasPrefix("redis_version:") {
            return String(line.dropFirst("redis_version:".count))
        }
        return nil
    }
}
