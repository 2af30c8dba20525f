import KyQuery
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

extension WebSocketSession {
    /// Opens the TCP connection (with TLS for `wss://`) and sends the upgrade request; returns the
    /// server's answer to come. TLS failures surface with that answer.
    func connect(on group: any EventLoopGroup) async throws -> EventLoopFuture<UpgradeOutcome> {
        logger.debug("connecting WebSocket", metadata: logMetadata)
        let pipeline = pipelineConfiguration()
        let closer = self.closer
        let tls = try tlsContext()
        // SNI carries host names only; for an IP address the certificate is checked against the address.
        let serverName = (try? SocketAddress(ipAddress: endpoint.host, port: 0)) == nil ? endpoint.host : nil
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try closer.attach(channel)
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName))
                        }
                        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
                    }
                }
        } catch ChannelError.connectTimeout {
            throw fail(.timedOut(phase: .connect, seconds: configuration.connectTimeout.inSeconds))
        } catch {
            throw fail(.unreachable(describeTransportError(error)))
        }
    }

    /// The TLS context of a `wss://` endpoint (it loads the trust roots), nil for `ws://`.
    private func tlsContext() throws -> NIOSSLContext? {
        guard let configuration = endpoint.tls else { return nil }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw fail(.tls(describeTLSError(error) ?? "\(error)"))
        }
    }

    /// The upgrade request, and what the pipeline becomes after either answer.
    private func pipelineConfiguration() -> NIOUpgradableHTTPClientPipelineConfiguration<UpgradeOutcome> {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.hostHeader)
        for header in endpoint.headers { headers.add(name: header.name, value: header.value) }
        let request = HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.requestTarget, headers: headers)
        let maximumMessageBytes = min(max(configuration.maximumMessageBytes, 0), Int(UInt32.max))
        // Protocol errors reach the reader, which reports them and closes; NIO's own handler would close first.
        let upgrader = NIOTypedWebSocketClientUpgrader<UpgradeOutcome>(
            maxFrameSize: maximumMessageBytes,
            enableAutomaticErrorHandling: false
        ) { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    NIOWebSocketFrameAggregator(
                        minNonFinalFragmentSize: 1,
                        maxAccumulatedFrameCount: 1 << 16,
                        maxAccumulatedFrameSize: maximumMessageBytes
                    )
                )
                return .upgraded(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
            }
        }
        let upgrade = NIOTypedHTTPClientUpgradeConfiguration(upgradeRequestHead: request, upgraders: [upgrader]) { channel in
            channel.eventLoop.makeCompletedFuture {
                .rejected(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
            }
        }
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgrade)
        // Frames that arrive with the 101 answer, such as ComfyUI's greeting, must reach the WebSocket decoder.
        pipeline.leftOverBytesStrategy = .forwardBytes
        return pipeline
    }
}
