/// A `host:port` address of a name server or broker.
///
/// IPv6 hosts are written in brackets: `[::1]:9876`.
public struct RocketMQAddress: Hashable, Sendable, CustomStringConvertible {
    /// The host name or IP address, without brackets.
    public let host: String
    /// The TCP port, 1…65535.
    public let port: Int

    /// Creates an address after checking the host and port.
    public init(host: String, port: Int) throws {
        guard !host.isEmpty else {
            throw RocketMQError.invalidConfiguration("address has an empty host")
        }
        guard host.unicodeScalars.allSatisfy(Self.isHostCharacter) else {
            throw RocketMQError.invalidConfiguration("host '\(host)' contains characters not allowed in a host name")
        }
        guard (1...65_535).contains(port) else {
            throw RocketMQError.invalidConfiguration("port \(port) of host '\(host)' is outside 1…65535")
        }
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[ipv6]:port`; surrounding whitespace is ignored.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingWhitespace()
        let host: Substring
        let portText: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]"),
                trimmed[trimmed.index(after: close)...].hasPrefix(":")
            else {
                throw RocketMQError.invalidConfiguration("address '\(trimmed)' is not [ipv6]:port")
            }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            portText = trimmed[trimmed.index(close, offsetBy: 2)...]
        } else {
            guard let colon = trimmed.lastIndex(of: ":") else {
                throw RocketMQError.invalidConfiguration("address '\(trimmed)' has no port (expected host:port)")
            }
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
            guard !host.contains(":") else {
                throw RocketMQError.invalidConfiguration("address '\(trimmed)' has an ipv6 host without brackets")
            }
        }
        guard !portText.isEmpty, portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            portText.count <= 5, let port = Int(portText)
        else {
            throw RocketMQError.invalidConfiguration("address '\(trimmed)' has an invalid port '\(portText)'")
        }
        do {
            try self.init(host: String(host), port: port)
        } catch let error as RocketMQError {
            throw RocketMQError.invalidConfiguration("address '\(trimmed)' is invalid: \(error.reason)")
        }
    }

    /// Parses a `;`-separated list such as `"10.0.0.1:9876;10.0.0.2:9876"`; a trailing `;` is allowed.
    public static func parseList(_ text: String) throws -> [RocketMQAddress] {
        var parts = text.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        if parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }
        guard !(parts.count == 1 && parts[0].isEmpty) else {
            throw RocketMQError.invalidConfiguration("name server list is empty (expected host:port;host:port)")
        }
        return try parts.enumerated().map { index, part in
            guard !part.isEmpty else {
                throw RocketMQError.invalidConfiguration(
                    "name server list '\(text)' has an empty entry at position \(index + 1)")
            }
            do {
                return try RocketMQAddress(parsing: String(part))
            } catch let error as RocketMQError {
                throw RocketMQError.invalidConfiguration("name server list '\(text)': \(error.reason)")
            }
        }
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func isHostCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_", ":", "%": return true
        default: return false
        }
    }
}
