import NIOCore
import NIOWebSocket

extension WebSocketSession {
    /// Reads the open socket until the server closes it, pinging and watching for silence meanwhile.
    func converse(
        over socket: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>,
        onConnected: @Sendable () async -> Void,
        onText: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        try await socket.executeThenClose { inbound, outbound in
            await onConnected()
            let watch = SilenceWatch()
            watch.waiting()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await read(inbound, answeringOn: outbound, watch: watch, onText: onText) }
                group.addTask { try await keepAlive(outbound, watch: watch) }
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Hands text messages on, answers pings and the server's close; returns once the server closed.
    private func read(
        _ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>,
        answeringOn outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
        watch: SilenceWatch,
        onText: @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        var frames = inbound.makeAsyncIterator()
        while true {
            let next: WebSocketFrame?
            do {
                next = try await frames.next()
            } catch {
                let failure = failure(reading: error)
                if let code = failure.reason.closeCode {
                    try? await outbound.write(.client(.connectionClose, ByteBuffer(integer: UInt16(webSocketErrorCode: code))))
                }
                throw failure
            }
            guard let frame = next else { throw fail(.closedAbruptly) }
            watch.busy()
            switch frame.opcode {
            case .text:
                try await onText(Array(frame.unmaskedData.readableBytesView))
            case .binary, .pong:
                break
            case .ping:
                // A failed write means the connection is gone; the next read tells how.
                try? await outbound.write(.client(.pong, frame.unmaskedData))
            case .connectionClose:
                logger.debug("WebSocket closed by the server", metadata: logMetadata)
                try? await outbound.write(.client(.connectionClose, frame.unmaskedData))
                return
            default:
                throw fail(.protocolViolation("a frame with opcode \(frame.opcode)"))
            }
            watch.waiting()
        }
    }

    /// Sends a ping every `pingInterval`; throws `.silent` once the reader has waited `silenceTimeout`.
    private func keepAlive(_ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>, watch: SilenceWatch) async throws {
        let clock = ContinuousClock()
        let limit = configuration.silenceTimeout
        var nextPing = clock.now + configuration.pingInterval
        while true {
            let silence = watch.silence
            guard silence < limit else { throw fail(.silent(seconds: limit.inSeconds)) }
            try await clock.sleep(until: min(nextPing, clock.now + (limit - silence)))
            if clock.now >= nextPing {
                // A failed write means the connection is gone; the reader reports how.
                try? await outbound.write(.client(.ping))
                nextPing = clock.now + configuration.pingInterval
            }
        }
    }

    /// The `WebSocketError` for a failed read.
    private func failure(reading error: any Error) -> WebSocketError {
        switch error {
        case NIOWebSocketError.invalidFrameLength, NIOWebSocketFrameAggregator.Error.accumulatedFrameSizeIsTooLarge:
            return fail(.messageTooLarge(limit: configuration.maximumMessageBytes))
        case is NIOWebSocketError, is NIOWebSocketFrameAggregator.Error:
            return fail(.protocolViolation("\(error)"))
        default:
            return fail(.closedAbruptly)
        }
    }
}

extension WebSocketError.Reason {
    /// The close code that tells the server why the client gives up, for errors found in its frames.
    fileprivate var closeCode: WebSocketErrorCode? {
        switch self {
        case .messageTooLarge: .messageTooLarge
        case .protocolViolation: .protocolError
        default: nil
        }
    }
}
