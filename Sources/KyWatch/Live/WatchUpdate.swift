/// What watchers hand to the output: events, and the latest panel of a server.
public enum WatchUpdate: Sendable {
    case events([WatchEvent])
    case panel(ServerPanel)
}
