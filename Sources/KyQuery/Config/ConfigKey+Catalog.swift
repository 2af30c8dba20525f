extension ConfigKey {
    /// Every setting kymon reads, in documentation order.
    public static let catalog: [ConfigKey] = [
        ConfigKey("comfyui_url", env: "KY_MONITOR_COMFYUI_URL", .serverURL, default: .string("http://127.0.0.1:8188"), summary: "ComfyUI server base URL"),
        ConfigKey("frequency_seconds", env: "KY_MONITOR_FREQUENCY_SECONDS", .positiveNumber, default: .number(5), summary: "polling / publishing interval in seconds"),
        ConfigKey("history_max_items", env: "KY_MONITOR_HISTORY_MAX_ITEMS", .integer(1...10_000), default: .integer(100), summary: "history entries asked of the server (max_items)"),
        ConfigKey("traceback_depth", env: "KY_MONITOR_TRACEBACK_DEPTH", .integer(0...20), default: .integer(2), summary: "innermost traceback frames kept per error"),
        ConfigKey("timeout_seconds", env: "KY_MONITOR_TIMEOUT_SECONDS", .positiveNumber, default: .number(10), summary: "deadline for each request to ComfyUI"),
        ConfigKey("log_level", env: "KY_MONITOR_LOG_LEVEL", .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]), default: .string("warning"), summary: "stderr log level"),
        ConfigKey("prompt_server_channel.enabled", env: "KY_MONITOR_PROMPT_SERVER_ENABLED", .bool, default: .bool(false), summary: "send infos through ComfyUI's send_sync (needs the bridge)"),
        ConfigKey("prompt_server_channel.event_name", env: "KY_MONITOR_PROMPT_SERVER_EVENT_NAME", .pattern(rule: "a name matching ^ky[a-z0-9_.-]{0,62}$", check: isBridgeEventName), default: .string("ky_monitor_update"), summary: "WebSocket event type the bridge broadcasts"),
        ConfigKey("prompt_server_channel.token", env: "KY_MONITOR_PROMPT_SERVER_TOKEN", .string, secret: true, summary: "bearer token the bridge expects (KYMON_BRIDGE_TOKEN)"),
        ConfigKey("redis_channel.enabled", env: "KY_MONITOR_REDIS_ENABLED", .bool, default: .bool(false), summary: "publish infos to Redis"),
        ConfigKey("redis_channel.host", env: "KY_MONITOR_REDIS_HOST", .string, default: .string("localhost"), summary: "Redis host"),
        ConfigKey("redis_channel.port", env: "KY_MONITOR_REDIS_PORT", .integer(1...65535), default: .integer(6379), summary: "Redis port"),
        ConfigKey("redis_channel.password", env: "KY_MONITOR_REDIS_PASSWORD", .string, secret: true, summary: "Redis password (AUTH)"),
        ConfigKey("redis_channel.db", env: "KY_MONITOR_REDIS_DB", .integer(0...1_000_000), default: .integer(0), summary: "Redis database number (SELECT)"),
        ConfigKey("redis_channel.channel_name", env: "KY_MONITOR_REDIS_CHANNEL_NAME", .string, default: .string("comfyui_monitor"), summary: "Redis pub/sub channel"),
        ConfigKey("rocketmq_channel.enabled", env: "KY_MONITOR_ROCKETMQ_ENABLED", .bool, default: .bool(false), summary: "send infos to RocketMQ"),
        ConfigKey("rocketmq_channel.namesrv_addr", env: "KY_MONITOR_ROCKETMQ_NAMESRV_ADDR", .string, default: .string("localhost:9876"), summary: "NameServer addresses, host:port;host:port"),
        ConfigKey("rocketmq_channel.topic", env: "KY_MONITOR_ROCKETMQ_TOPIC", .string, default: .string("comfyui_monitor_topic"), summary: "RocketMQ topic"),
        ConfigKey("rocketmq_channel.group_id", env: "KY_MONITOR_ROCKETMQ_GROUP_ID", .string, default: .string("KY_MONITOR_PRODUCER_GROUP"), summary: "RocketMQ producer group"),
    ]

    /// The sections of `config.json` that hold nested keys.
    public static var sections: [String] {
        var seen: [String] = []
        for key in catalog {
            guard let dot = key.path.firstIndex(of: ".") else { continue }
            let section = String(key.path[..<dot])
            if !seen.contains(section) { seen.append(section) }
        }
        return seen
    }
}

/// The bridge refuses any other event name, so ComfyUI's own events cannot be forged.
@Sendable func isBridgeEventName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard bytes.count >= 2, bytes.count <= 64, bytes[0] == UInt8(ascii: "k"), bytes[1] == UInt8(ascii: "y") else { return false }
    return bytes.dropFirst(2).allSatisfy { byte in
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }
}
