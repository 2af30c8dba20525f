import KyQuery

extension RedisConfiguration {
    /// Reads server, credentials and database from `redis://[user:password@]host[:port][/db]`; the other
    /// settings keep their defaults.
    ///
    /// User and password are percent-decoded (write `%40` for `@`, `%3A` for `:`, `%2F` for `/`); a missing
    /// host means `localhost`, a missing port 6379, a missing database 0. `rediss://` (TLS) is refused.
    /// Errors quote the URL with everything before the host masked, so they never show the password.
    public init(url: String) throws(ChannelError) {
        self.init()
        func invalid(_ reason: String) -> ChannelError {
            ChannelError(
                channel: "redis",
                reason: "invalid redis URL '\(Self.maskingUserInfo(of: url))': \(reason)",
                isRetriable: false
            )
        }

        guard let separator = url.firstRange(of: "://") else {
            throw invalid("expected redis://[user:password@]host[:port][/db]")
        }
        let scheme = url[..<separator.lowerBound].lowercased()
        switch scheme {
        case "redis":
            break
        case "rediss":
            throw invalid("TLS is not supported (rediss://); use redis://")
        case "unix", "redis+unix", "redis-socket":
            throw invalid("unix sockets are not supported; use redis://host:port")
        default:
            throw invalid("the scheme must be redis://, not '\(scheme)://'")
        }

        var rest = url[separator.upperBound...]
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard let colon = userInfo.firstIndex(of: ":") else {
                throw invalid("the part before '@' must be 'user:password' or ':password'")
            }
            guard let user = PercentDecoding.string(userInfo[..<colon]) else {
                throw invalid("the user name has a malformed percent escape or is not UTF-8")
            }
            guard let password = PercentDecoding.string(userInfo[userInfo.index(after: colon)...]) else {
                throw invalid("the password has a malformed percent escape or is not UTF-8")
            }
            guard !password.isEmpty else {
                throw invalid("the password after ':' is empty")
            }
            self.username = user.isEmpty ? nil : user
            self.password = password
        }
        if rest.contains(where: { $0 == "?" || $0 == "#" }) {
            throw invalid("query parameters and fragments are not supported")
        }

        let hostAndPort: Substring
        let path: Substring
        if let slash = rest.firstIndex(of: "/") {
            hostAndPort = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        } else {
            hostAndPort = rest
            path = ""
        }

        var portText: Substring?
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else {
                throw invalid("the IPv6 address has no closing ']'")
            }
            host = String(hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close])
            let afterHost = hostAndPort[hostAndPort.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else { throw invalid("expected ':port' after ']'") }
                portText = afterHost.dropFirst()
            }
            guard !host.isEmpty else { throw invalid("the IPv6 address between '[' and ']' is empty") }
        } else {
            let parts = hostAndPort.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw invalid("an IPv6 address must be written in brackets, like [::1]") }
            host = parts[0].isEmpty ? "localhost" : String(parts[0])
            portText = parts.count == 2 ? parts[1] : nil
        }
        if host.unicodeScalars.contains(where: { $0.value <= 0x20 || $0 == "%" || $0 == "/" }) {
            throw invalid("the host '\(host)' contains a space, '%' or a control character")
        }

        if let portText {
            guard let port = Self.decimal(portText), (1...65_535).contains(port) else {
                throw invalid("the port must be a number from 1 to 65535, not '\(portText)'")
            }
            self.port = port
        }
        if !path.isEmpty {
            guard let db = Self.decimal(path) else {
                throw invalid("the database must be a non-negative number, not '\(path)'")
            }
            self.db = db
        }
    }

    /// `url` with everything between the scheme and the last `@` replaced by `***`.
    static func maskingUserInfo(of url: String) -> String {
        guard let at = url.lastIndex(of: "@") else { return url }
        let start = url.firstRange(of: "://").map(\.upperBound) ?? url.startIndex
        guard start <= at else { return url }
        return String(url[..<start]) + "***" + String(url[at...])
    }

    /// A non-negative decimal number of at most nine digits, or `nil`.
    private static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
