internal import CHiredis

/// Owns one blocking hiredis connection (`redisContext`) and runs commands on it.
///
/// Every hiredis call of kymon is in this file, and no C type leaves it. Opening connects with the connect
/// timeout, sets the command timeout, then sends `AUTH` and `SELECT` as configured. After a connection error
/// (I/O, EOF, timeout, protocol) hiredis cannot use the context again, so the connection closes itself and
/// ``isOpen`` turns false. ``close()`` frees the context; `deinit` does so only as a safety net.
///
/// Calls block their thread, so callers run them off Swift's cooperative pool (see ``RedisConnectionQueue``).
/// The type is not `Sendable`: one owner uses it at a time.
final class RedisConnection {
    /// The server as `host:port`, as errors name it.
    let address: String
    private let commandTimeout: Duration
    private var context: UnsafeMutablePointer<redisContext>?

    private init(context: UnsafeMutablePointer<redisContext>, address: String, commandTimeout: Duration) {
        self.context = context
        self.address = address
        self.commandTimeout = commandTimeout
    }

    deinit {
        close()
    }

    /// Connects to the configured server and authenticates; the returned connection is ready for commands.
    static func open(_ configuration: RedisConfiguration) throws(RedisError) -> RedisConnection {
        let address = configuration.address
        guard
            let context = kymon_connect(
                configuration.host,
                Int32(clamping: configuration.port),
                configuration.connectTimeout.microseconds
            )
        else {
            throw .connectFailed(address: address, reason: "hiredis could not allocate a context")
        }
        // From here on the connection owns the context, so every failure path below frees it via close().
        let connection = RedisConnection(
            context: context,
            address: address,
            commandTimeout: configuration.commandTimeout
        )
        do throws(RedisError) {
            guard context.pointee.err == 0 else {
                throw .connectFailed(address: address, reason: errorText(of: context))
            }
            guard kymon_set_timeout(context, configuration.commandTimeout.microseconds) == REDIS_OK else {
                let reason = "cannot set the command timeout: \(errorText(of: context))"
                throw .connectFailed(address: address, reason: reason)
            }
            try connection.authenticate(username: configuration.username, password: configuration.password)
            try connection.select(database: configuration.db)
            return connection
        } catch {
            connection.close()
            throw error
        }
    }

    /// True until ``close()`` or a connection error.
    var isOpen: Bool { context != nil }

    /// Sends one command, every argument binary-safe, and returns its reply.
    ///
    /// An error reply throws ``RedisError/serverError(address:operation:reply:)`` (or `passwordRequired` for
    /// `NOAUTH`) and keeps the connection; a connection error throws and closes it.
    func command(_ argv: [[UInt8]]) throws(RedisError) -> RedisReply {
        let operation = argv.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? "an empty command"
        let context = try openContext(for: operation)
        var timedOut: Int32 = 0
        let reply = withArgv(argv) { count, pointers, lengths in
            kymon_command_argv(context, count, pointers, lengths, &timedOut)
        }
        guard let reply else { throw failure(of: context, during: operation, timedOut: timedOut != 0) }
        defer { freeReplyObject(reply) }
        return try value(of: reply, operation: operation)
    }

    /// Waits for the next reply the server pushes without a command, such as a subscriber's messages.
    func nextReply() throws(RedisError) -> RedisReply {
        let operation = "a pushed reply"
        let context = try openContext(for: operation)
        var timedOut: Int32 = 0
        let reply = kymon_get_reply(context, &timedOut)
        guard let reply else { throw failure(of: context, during: operation, timedOut: timedOut != 0) }
        defer { freeReplyObject(reply) }
        return try value(of: reply, operation: operation)
    }

    /// Closes the socket and frees the context; does nothing when already closed.
    func close() {
        guard let context else { return }
        self.context = nil
        redisFree(context)
    }

    /// Sends `AUTH [user] password` when a password is configured; any error reply means the password was refused.
    private func authenticate(username: String?, password: String?) throws(RedisError) {
        guard let password else { return }
        var argv = [Array("AUTH".utf8)]
        if let username { argv.append(Array(username.utf8)) }
        argv.append(Array(password.utf8))
        do {
            _ = try command(argv)
        } catch {
            guard let reply = error.serverReply else { throw error }
            // redis does not echo the password, but make sure an unusual server cannot leak it into a message.
            let masked = password.isEmpty ? reply : reply.replacing(password, with: "***")
            throw .passwordRefused(address: address, username: username, reply: masked)
        }
    }

    /// Sends `SELECT db`; a new connection already uses database 0, so that one costs no round trip.
    private func select(database: Int) throws(RedisError) {
        guard database != 0 else { return }
        let reply = try command([Array("SELECT".utf8), Array(String(database).utf8)])
        guard reply == .status("OK") else {
            throw .unexpectedReply(address: address, operation: "SELECT", reply: reply.summary)
        }
    }

    /// The live context, or a `connectionLost` error once closed.
    private func openContext(for operation: String) throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        guard let context else {
            throw .connectionLost(address: address, operation: operation, reason: "the connection is closed")
        }
        return context
    }

    /// The error for a failed call on `context`, which hiredis has made unusable: closes the connection.
    private func failure(of context: UnsafeMutablePointer<redisContext>, during operation: String, timedOut: Bool)
        -> RedisError
    {
        let error: RedisError =
            timedOut
            ? .timeout(address: address, operation: operation, limit: commandTimeout)
            : .connectionLost(address: address, operation: operation, reason: Self.errorText(of: context))
        close()
        return error
    }

    /// The reply as a Swift value; an error reply becomes a thrown ``RedisError``.
    private func value(of reply: UnsafeMutablePointer<redisReply>, operation: String) throws(RedisError) -> RedisReply {
        let converted = Self.convert(reply.pointee)
        guard case .error(let message) = converted else { return converted }
        if message.hasPrefix("NOAUTH") {
            throw .passwordRequired(address: address, reply: message)
        }
        throw .serverError(address: address, operation: operation, reply: message)
    }

    /// Copies a reply tree out of hiredis's memory.
    private static func convert(_ reply: redisReply) -> RedisReply {
        switch reply.type {
        case REDIS_REPLY_STRING:
            return .string(bytes(reply.str, reply.len))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(reply.str, reply.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(reply.str, reply.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(reply.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_ARRAY:
            guard let elements = reply.element else { return .array([]) }
            return .array((0..<reply.elements).map { index in elements[index].map { convert($0.pointee) } ?? .null })
        default:
            // RESP3 types of newer hiredis versions; kymon speaks RESP2, so they do not occur.
            return reply.str == nil ? .null : .string(bytes(reply.str, reply.len))
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// hiredis's text for the context's last error.
    private static func errorText(of context: UnsafeMutablePointer<redisContext>) -> String {
        let text = String(cString: kymon_errstr(context))
        return text.isEmpty ? "hiredis error \(context.pointee.err)" : text
    }

    /// Calls `body` with argc, argv and argvlen pointing into one contiguous copy of the arguments.
    private func withArgv<Result>(
        _ argv: [[UInt8]],
        _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int>?) -> Result
    ) -> Result {
        var joined: [UInt8] = []
        joined.reserveCapacity(argv.reduce(1) { $0 + $1.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in argv {
            offsets.append(joined.count)
            lengths.append(argument.count)
            joined.append(contentsOf: argument)
        }
        joined.append(0)  // never empty, so the buffer always has a base address
        return joined.withUnsafeBytes { buffer in
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                buffer.baseAddress.map { ($0 + offset).assumingMemoryBound(to: CChar.self) }
            }
            return pointers.withUnsafeBufferPointer { pointerBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    body(Int32(clamping: argv.count), pointerBuffer.baseAddress, lengthBuffer.baseAddress)
                }
            }
        }
    }
}

@available(*, unavailable)
extension RedisConnection: Sendable {}

extension Duration {
    /// Whole microseconds, for hiredis's `struct timeval` timeouts.
    fileprivate var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000).overflow
            ? Int64.max : seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
