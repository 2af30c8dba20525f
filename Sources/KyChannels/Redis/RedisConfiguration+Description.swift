extension RedisConfiguration: CustomStringConvertible, CustomReflectable {
    /// The server as a `redis://` URL with the password masked, then the target, e.g.
    /// `redis://kymon:***@localhost:6379/0 pubsub 'comfyui_monitor'`.
    public var description: String {
        var credentials = ""
        if password != nil {
            credentials = "\(username.map(Self.encodeUserInfo) ?? ""):***@"
        }
        let target: String
        switch mode {
        case .pubsub:
            target = "pubsub '\(channelName)'"
        case .stream:
            let cap = streamMaxLength > 0 ? " maxlen ~\(streamMaxLength)" : ""
            target = "stream '\(streamKey)'\(cap)"
        }
        return "redis://\(credentials)\(address)/\(db) \(target)"
    }

    /// Shows every setting as stored, except the password, which appears as `***`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host,
                "port": port,
                "username": username as Any,
                "password": password.map { _ in "***" } as Any,
                "db": db,
                "channelName": channelName,
                "mode": mode,
                "streamKey": streamKey,
                "streamMaxLength": streamMaxLength,
                "connectTimeout": connectTimeout,
                "commandTimeout": commandTimeout,
                "retries": retries,
                "backoff": backoff,
            ],
            displayStyle: .struct
        )
    }

    /// Percent-encodes the characters that would end the user part of a URL.
    private static func encodeUserInfo(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".unicodeScalars)
        var encoded = String.UnicodeScalarView()
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "%"), 0...0x20, 0x7F...:
                encoded.append("%")
                encoded.append(hexDigits[Int(byte >> 4)])
                encoded.append(hexDigits[Int(byte & 0x0F)])
            default:
                encoded.append(Unicode.Scalar(byte))
            }
        }
        return String(encoded)
    }
}
