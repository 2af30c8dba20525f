import AsyncHTTPClient
import KyQuery
import Logging
import RocketMQ

/// Builds the selected channels, with their policies, from the effective configuration.
public struct ChannelFactory {
    let configuration: Configuration
    let client: HTTPClient
    let logger: Logger
    /// How the bridge channel checks an `https://` server; read from the configuration when nil.
    let tls: UpstreamTLS?

    /// `tls`, when the caller has read it already, spares a second read of `ca_file`.
    public init(configuration: Configuration, client: HTTPClient, tls: UpstreamTLS? = nil, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.tls = tls
        self.logger = logger
    }

    /// One route per name; throws a `ConfigurationError` when a selected channel is misconfigured.
    public func routes(for names: [ChannelName]) throws -> [Dispatcher.Route] {
        try names.map(route)
    }

    /// The dispatcher's timeout per attempt is a margin over the channel's own, so the channel's
    /// more precise error (it names the URL) is the one reported.
    private func guarded(_ policy: ChannelPolicy) -> ChannelPolicy {
        ChannelPolicy(timeout: policy.timeout + .seconds(1), retries: policy.retries, backoff: policy.backoff)
    }

    private func policy(_ section: String, retries defaultRetries: Int = 2) -> ChannelPolicy {
        ChannelPolicy(
            timeout: .seconds(configuration.number("\(section).timeout_seconds") ?? 5),
            retries: configuration.integer("\(section).retries") ?? defaultRetries,
            backoff: .milliseconds(configuration.integer("\(section).backoff_ms") ?? 200)
        )
    }

    private func route(_ name: ChannelName) throws -> Dispatcher.Route {
        switch name {
        case .stdout:
            return .init(channel: StdoutChannel(), policy: ChannelPolicy(timeout: .seconds(30), retries: 0))
        case .comfyui:
            let channel = BridgeChannel(
                server: try configuration.serverURL,
                eventName: configuration.string("prompt_server_channel.event_name") ?? "ky_monitor_update",
                token: configuration.string("prompt_server_channel.token"),
                serverHeaders: configuration.comfyUIHeaders,
                tls: try tls ?? configuration.upstreamTLS,
                client: client,
                timeout: policy("prompt_server_channel").timeout
            )
            return .init(channel: channel, policy: guarded(policy("prompt_server_channel")))
        case .webhook:
            guard let text = configuration.string("webhook_channel.url") else {
                throw ConfigurationError("the webhook channel needs webhook_channel.url (KY_MONITOR_WEBHOOK_URL)")
            }
            guard let url = WebhookURL(text) else {
                throw ConfigurationError("webhook_channel.url must be an http:// or https:// URL with a host")
            }
            let headers = configuration.string("webhook_channel.headers").flatMap(parseHeaderList) ?? []
            let policy = policy("webhook_channel", retries: 3)
            let channel = WebhookChannel(
                url: url, secret: configuration.string("webhook_channel.secret"),
                headers: headers.map { ($0.name, $0.value) }, client: client, timeout: policy.timeout
            )
            return .init(channel: channel, policy: guarded(policy))
        case .rocketmq:
            let timeout = Duration.milliseconds(configuration.integer("rocketmq_channel.send_timeout_ms") ?? 5000)
            let producerConfiguration: RocketMQProducerConfiguration
            do {
                producerConfiguration = try RocketMQProducerConfiguration(
                    nameServers: configuration.string("rocketmq_channel.namesrv_addr") ?? "localhost:9876",
                    topic: configuration.string("rocketmq_channel.topic") ?? "comfyui_monitor_topic",
                    producerGroup: configuration.string("rocketmq_channel.group_id") ?? "KY_MONITOR_PRODUCER_GROUP",
                    sendTimeout: timeout,
                    retries: configuration.integer("rocketmq_channel.retries") ?? 2
                )
            } catch {
                throw ConfigurationError("rocketmq_channel: \(error)")
            }
            // The producer retries across queues within its own budget; the dispatcher adds a margin only.
            return .init(channel: RocketMQChannel(configuration: producerConfiguration), policy: ChannelPolicy(timeout: timeout + .seconds(1), retries: 0))
        case .redis:
            return try redisRoute()
        }
    }
}
