/// Numbers events per server (`seq`), so a consumer of a fleet's stream can spot gaps per server.
public struct EventNumbering: Sendable {
    private var last: [String: Int64] = [:]

    public init() {}

    /// The next number for an event of `server`, starting at 1.
    public mutating func next(for server: String) -> Int64 {
        let number = (last[server] ?? 0) + 1
        last[server] = number
        return number
    }
}
