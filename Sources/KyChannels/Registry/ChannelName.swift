import KyQuery

/// The channels kymon can send to, by the names users give to `--channel`.
public enum ChannelName: String, Sendable, CaseIterable {
    case comfyui, redis, rocketmq, webhook, stdout

    /// The configuration switch that enables the channel when no `--channel` flag is given.
    public var enabledKey: String? {
        switch self {
        case .comfyui: return "prompt_server_channel.enabled"
        case .redis: return "redis_channel.enabled"
        case .rocketmq: return "rocketmq_channel.enabled"
        case .webhook: return "webhook_channel.enabled"
        case .stdout: return nil
        }
    }

    /// Channels chosen by flags when any are given, else by the configuration's `enabled` switches;
    /// `--stdout` adds stdout either way. Order is stable and duplicates are dropped.
    public static func selection(flags: [ChannelName], addStdout: Bool, configuration: Configuration) -> [ChannelName] {
        var chosen = flags.isEmpty ? allCases.filter { $0.enabledKey.map(configuration.bool) ?? false } : flags
        if addStdout { chosen.append(.stdout) }
        return allCases.filter(chosen.contains)
    }
}
