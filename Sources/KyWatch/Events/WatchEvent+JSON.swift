import KyQuery

extension WatchEvent {
    /// The schema identifier of every event document.
    public static let schema = "kymon.event/1"

    /// `{"schema","server","seq","at","event","info"|"detail"}` as compact JSON.
    public func jsonBytes(seq: Int64) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 512)
        writer.beginObject()
        writer.key("schema")
        writer.string(Self.schema)
        writer.key("server")
        writer.string(server)
        writer.key("seq")
        writer.integer(seq)
        writer.key("at")
        writer.string(Timestamp.iso8601(milliseconds: at))
        writer.key("event")
        writer.string(kind.rawValue)
        if let info {
            writer.key("info")
            info.write(to: &writer)
        }
        if let detail {
            writer.key("detail")
            writer.beginObject()
            if let version = detail.version {
                writer.key("version")
                writer.string(version)
            }
            if let bridge = detail.bridge {
                writer.key("bridge")
                writer.bool(bridge)
            }
            if let reason = detail.reason {
                writer.key("reason")
                writer.string(reason)
            }
            writer.endObject()
        }
        writer.endObject()
        return writer.bytes
    }
}
