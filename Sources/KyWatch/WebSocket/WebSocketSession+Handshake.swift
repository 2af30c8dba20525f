import KyQuery
import NIOCore
import NIOHTTP1
import NIOWebSocket

extension WebSocketSession {
    /// Waits up to `handshakeTimeout` for the answer to the upgrade request; returns the open socket.
    func handshake(_ upgrade: EventLoopFuture<UpgradeOutcome>) async throws -> NIOAsyncChannel<WebSocketFrame, WebSocketFrame> {
        let closer = self.closer
        let timeout = configuration.handshakeTimeout
        do {
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await Task.sleep(for: timeout)
                    closer.close(.handshakeTimedOut)
                }
                defer { group.cancelAll() }
                switch try await upgrade.get() {
                case .upgraded(let socket):
                    logger.debug("WebSocket open", metadata: logMetadata)
                    return socket
                case .rejected(let http):
                    throw fail(.handshakeRejected(status: try await Self.status(of: http)))
                }
            }
        } catch {
            throw failure(handshaking: error)
        }
    }

    /// The status of an HTTP answer that is not an upgrade; closes its connection.
    private static func status(of http: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>) async throws -> Int {
        try await http.executeThenClose { inbound, _ in
            var parts = inbound.makeAsyncIterator()
            guard case .head(let head)? = try await parts.next() else { throw ChannelError.eof }
            return Int(head.status.code)
        }
    }

    /// The `WebSocketError` for a failed handshake.
    private func failure(handshaking error: any Error) -> WebSocketError {
        if closer.cause == .handshakeTimedOut {
            return fail(.timedOut(phase: .handshake, seconds: configuration.handshakeTimeout.inSeconds))
        }
        if let detail = describeTLSError(error) { return fail(.tls(detail)) }
        switch error {
        case let error as WebSocketError:
            return error
        case let error as NIOHTTPClientUpgradeError:
            return fail(.protocolViolation(error == .upgraderDeniedUpgrade ? "wrong Sec-WebSocket-Accept in the upgrade answer" : "\(error)"))
        case let error as HTTPParserError:
            return fail(.protocolViolation("the upgrade answer is not HTTP (\(error))"))
        default:
            return fail(.closedAbruptly)
        }
    }
}
