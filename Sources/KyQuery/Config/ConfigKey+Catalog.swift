extension ConfigKey {
    /// Every setting kymon reads, in documentation order.
    public static let catalog: [ConfigKey] = [
        ConfigKey("comfyui_url", env: "KY_MONITOR_COMFYUI_URL", .serverURL, default: .string("http://127.0.0.1:8188"), summary: "ComfyUI server base URL"),
        ConfigKey("servers", env: "KY_MONITOR_SERVERS", .serverList, summary: "ComfyUI base URLs kymon watch follows (a fleet); replaces comfyui_url there"),
        ConfigKey("comfyui_token", env: "KY_MONITOR_COMFYUI_TOKEN", .string, secret: true, summary: "bearer token for a ComfyUI behind an authenticating proxy (Authorization: Bearer)"),
        ConfigKey("comfyui_headers", env: "KY_MONITOR_COMFYUI_HEADERS", .pattern(rule: "'Name: value' pairs separated by ';'", check: isHeaderList), secret: true, summary: "extra headers for requests to ComfyUI, 'Name: value; Name2: value2'"),
        ConfigKey("ca_file", env: "KY_MONITOR_CA_FILE", .string, summary: "PEM bundle of CAs trusted for https:// ComfyUI servers, besides the system roots"),
        ConfigKey("insecure", env: "KY_MONITOR_INSECURE", .bool, default: .bool(false), summary: "skip certificate verification for https:// ComfyUI servers (warns)"),
        ConfigKey("frequency_seconds", env: "KY_MONITOR_FREQUENCY_SECONDS", .positiveNumber, default: .number(5), summary: "polling / publishing interval in seconds"),
        ConfigKey("history_max_items", env: "KY_MONITOR_HISTORY_MAX_ITEMS", .integer(1...10_000), default: .integer(100), summary: "history entries asked of the server (max_items)"),
        ConfigKey("progress_events_per_second", env: "KY_MONITOR_PROGRESS_EVENTS_PER_SECOND", .positiveNumber, default: .number(2), summary: "kymon watch: most progress events per prompt per second"),
        ConfigKey("outbox_size", env: "KY_MONITOR_OUTBOX_SIZE", .integer(1...1_000_000), default: .integer(1000), summary: "watch and publish --interval: messages each channel may hold while it is down; the oldest go first"),
        ConfigKey("traceback_depth", env: "KY_MONITOR_TRACEBACK_DEPTH", .integer(0...20), default: .integer(2), summary: "innermost traceback frames kept per error"),
        ConfigKey("timeout_seconds", env: "KY_MONITOR_TIMEOUT_SECONDS", .positiveNumber, default: .number(10), summary: "deadline for each request to ComfyUI"),
        ConfigKey("log_level", env: "KY_MONITOR_LOG_LEVEL", .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]), default: .string("warning"), summary: "stderr log level"),
        ConfigKey("prompt_server_channel.enabled", env: "KY_MONITOR_PROMPT_SERVER_ENABLED", .bool, default: .bool(false), summary: "send messages through ComfyUI's send_sync (needs the bridge)"),
        ConfigKey("prompt_server_channel.event_name", env: "KY_MONITOR_PROMPT_SERVER_EVENT_NAME", .pattern(rule: "a name matching ^ky[a-z0-9_.-]{0,62}$", check: isBridgeEventName), default: .string("ky_monitor_update"), summary: "WebSocket event type the bridge broadcasts"),
        ConfigKey("prompt_server_channel.token", env: "KY_MONITOR_PROMPT_SERVER_TOKEN", .string, secret: true, summary: "bearer token the bridge expects (KYMON_BRIDGE_TOKEN)"),
        ConfigKey("prompt_server_channel.timeout_seconds", env: "KY_MONITOR_PROMPT_SERVER_TIMEOUT_SECONDS", .positiveNumber, default: .number(5), summary: "per-attempt timeout"),
        ConfigKey("prompt_server_channel.retries", env: "KY_MONITOR_PROMPT_SERVER_RETRIES", .integer(0...10), default: .integer(2), summary: "retries after a failed attempt"),
        ConfigKey("prompt_server_channel.backoff_ms", env: "KY_MONITOR_PROMPT_SERVER_BACKOFF_MS", .integer(0...60_000), default: .integer(200), summary: "first retry delay, doubled each retry"),
        ConfigKey("redis_channel.enabled", env: "KY_MONITOR_REDIS_ENABLED", .bool, default: .bool(false), summary: "publish messages to Redis"),
        ConfigKey("redis_channel.url", env: "KY_MONITOR_REDIS_URL", .string, secret: true, summary: "redis://[user:pass@]host:port/db, instead of the separate keys"),
        ConfigKey("redis_channel.host", env: "KY_MONITOR_REDIS_HOST", .string, default: .string("localhost"), summary: "Redis host"),
        ConfigKey("redis_channel.port", env: "KY_MONITOR_REDIS_PORT", .integer(1...65535), default: .integer(6379), summary: "Redis port"),
        ConfigKey("redis_channel.username", env: "KY_MONITOR_REDIS_USERNAME", .string, summary: "Redis ACL user (AUTH user pass)"),
        ConfigKey("redis_channel.password", env: "KY_MONITOR_REDIS_PASSWORD", .string, secret: true, summary: "Redis password (AUTH)"),
        ConfigKey("redis_channel.db", env: "KY_MONITOR_REDIS_DB", .integer(0...1_000_000), default: .integer(0), summary: "Redis database number (SELECT)"),
        ConfigKey("redis_channel.channel_name", env: "KY_MONITOR_REDIS_CHANNEL_NAME", .string, default: .string("comfyui_monitor"), summary: "pub/sub channel, or stream key in stream mode"),
        ConfigKey("redis_channel.mode", env: "KY_MONITOR_REDIS_MODE", .choice(["pubsub", "stream"]), default: .string("pubsub"), summary: "PUBLISH (pubsub) or XADD (stream)"),
        ConfigKey("redis_channel.stream_max_length", env: "KY_MONITOR_REDIS_STREAM_MAX_LENGTH", .integer(1...100_000_000), default: .integer(10_000), summary: "XADD MAXLEN ~ n in stream mode"),
        ConfigKey("redis_channel.timeout_seconds", env: "KY_MONITOR_REDIS_TIMEOUT_SECONDS", .positiveNumber, default: .number(5), summary: "connect and command timeout"),
        ConfigKey("redis_channel.retries", env: "KY_MONITOR_REDIS_RETRIES", .integer(0...10), default: .integer(2), summary: "retries after a failed attempt (with reconnect)"),
        ConfigKey("redis_channel.backoff_ms", env: "KY_MONITOR_REDIS_BACKOFF_MS", .integer(0...60_000), default: .integer(200), summary: "first retry delay, doubled each retry"),
        ConfigKey("rocketmq_channel.enabled", env: "KY_MONITOR_ROCKETMQ_ENABLED", .bool, default: .bool(false), summary: "send messages to RocketMQ"),
        ConfigKey("rocketmq_channel.namesrv_addr", env: "KY_MONITOR_ROCKETMQ_NAMESRV_ADDR", .string, default: .string("localhost:9876"), summary: "NameServer addresses, host:port;host:port"),
        ConfigKey("rocketmq_channel.topic", env: "KY_MONITOR_ROCKETMQ_TOPIC", .string, default: .string("comfyui_monitor_topic"), summary: "RocketMQ topic"),
        ConfigKey("rocketmq_channel.group_id", env: "KY_MONITOR_ROCKETMQ_GROUP_ID", .string, default: .string("KY_MONITOR_PRODUCER_GROUP"), summary: "RocketMQ producer group"),
        ConfigKey("rocketmq_channel.send_timeout_ms", env: "KY_MONITOR_ROCKETMQ_SEND_TIMEOUT_MS", .integer(100...600_000), default: .integer(5000), summary: "budget for one send, retries included"),
        ConfigKey("rocketmq_channel.retries", env: "KY_MONITOR_ROCKETMQ_RETRIES", .integer(0...10), default: .integer(2), summary: "retries on another queue or broker"),
        ConfigKey("webhook_channel.enabled", env: "KY_MONITOR_WEBHOOK_ENABLED", .bool, default: .bool(false), summary: "POST messages to a URL"),
        ConfigKey("webhook_channel.url", env: "KY_MONITOR_WEBHOOK_URL", .pattern(rule: "an http:// or https:// URL with a host", check: isHTTPURL), secret: true, summary: "http(s) URL to POST to"),
        ConfigKey("webhook_channel.secret", env: "KY_MONITOR_WEBHOOK_SECRET", .string, secret: true, summary: "HMAC-SHA256 key for X-Kymon-Signature"),
        ConfigKey("webhook_channel.headers", env: "KY_MONITOR_WEBHOOK_HEADERS", .pattern(rule: "'Name: value' pairs separated by ';'", check: isHeaderList), secret: true, summary: "extra request headers, 'Name: value; Name2: value2'"),
        ConfigKey("webhook_channel.timeout_seconds", env: "KY_MONITOR_WEBHOOK_TIMEOUT_SECONDS", .positiveNumber, default: .number(5), summary: "per-attempt timeout"),
        ConfigKey("webhook_channel.retries", env: "KY_MONITOR_WEBHOOK_RETRIES", .integer(0...10), default: .integer(3), summary: "retries on connection errors, timeouts and 5xx"),
        ConfigKey("webhook_channel.backoff_ms", env: "KY_MONITOR_WEBHOOK_BACKOFF_MS", .integer(0...60_000), default: .integer(500), summary: "first retry delay, doubled each retry"),
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

/// Parses `Name: value; Name2: value2` into pairs; nil when malformed.
public func parseHeaderList(_ text: String) -> [(name: String, value: String)]? {
    var pairs: [(name: String, value: String)] = []
    for part in text.split(separator: ";") {
        let trimmed = String(part).trimmingWhitespace()
        if trimmed.isEmpty { continue }
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let name = String(trimmed[..<colon]).trimmingWhitespace()
        let value = String(trimmed[trimmed.index(after: colon)...]).trimmingWhitespace()
        let token = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard !name.isEmpty, token, !value.contains(where: { $0 == "\r" || $0 == "\n" }) else { return nil }
        pairs.append((name, value))
    }
    return pairs
}

/// `http://` or `https://`, a host, no white space; a query is allowed (webhooks often carry tokens there).
@Sendable func isHTTPURL(_ text: String) -> Bool {
    let lower = text.lowercased()
    guard let scheme = ["http://", "https://"].first(where: lower.hasPrefix) else { return false }
    let rest = lower.dropFirst(scheme.count)
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    let host = authority.split(separator: "@").last ?? ""
    return !host.isEmpty && !host.hasPrefix(":") && !text.contains(where: \.isWhitespace)
}

@Sendable func isHeaderList(_ text: String) -> Bool { parseHeaderList(text) != nil }

/// The bridge refuses any other event name, so ComfyUI's own events cannot be forged.
@Sendable func isBridgeEventName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard bytes.count >= 2, bytes.count <= 64, bytes[0] == UInt8(ascii: "k"), bytes[1] == UInt8(ascii: "y") else { return false }
    return bytes.dropFirst(2).allSatisfy { byte in
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }
}
