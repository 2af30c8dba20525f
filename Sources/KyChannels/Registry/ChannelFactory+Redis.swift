import KyQuery

extension ChannelFactory {
    /// The Redis route: `redis_channel.url` when set, else the separate keys.
    ///
    /// The channel reconnects and retries by itself (it knows which failures call for a new
    /// connection), so the dispatcher does not retry it again.
    func redisRoute() throws -> Dispatcher.Route {
        var redis: RedisConfiguration
        if let url = configuration.string("redis_channel.url") {
            do {
                redis = try RedisConfiguration(url: url)
            } catch {
                throw ConfigurationError("redis_channel.url: \(error.reason)")
            }
        } else {
            redis = RedisConfiguration(
                host: configuration.string("redis_channel.host") ?? "localhost",
                port: configuration.integer("redis_channel.port") ?? 6379,
                username: configuration.string("redis_channel.username"),
                password: configuration.string("redis_channel.password"),
                db: configuration.integer("redis_channel.db") ?? 0
            )
        }
        redis.channelName = configuration.string("redis_channel.channel_name") ?? "comfyui_monitor"
        redis.mode = RedisConfiguration.Mode(rawValue: configuration.string("redis_channel.mode") ?? "pubsub") ?? .pubsub
        redis.streamMaxLength = configuration.integer("redis_channel.stream_max_length") ?? 10_000
        let timeout = Duration.seconds(configuration.number("redis_channel.timeout_seconds") ?? 5)
        redis.connectTimeout = timeout
        redis.commandTimeout = timeout
        redis.retries = configuration.integer("redis_channel.retries") ?? 2
        redis.backoff = .milliseconds(configuration.integer("redis_channel.backoff_ms") ?? 200)
        let attempts = Int64(redis.retries + 1)
        let budget = (timeout * 2 + redis.backoff) * attempts + .seconds(1)
        return .init(channel: RedisChannel(configuration: redis, logger: logger), policy: ChannelPolicy(timeout: budget, retries: 0))
    }
}
