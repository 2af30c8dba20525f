/// A configuration kymon cannot run with (exit status 78).
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    /// True when a command-line flag held the bad value (a usage error rather than a configuration one).
    public let isFromFlag: Bool

    public init(_ message: String, isFromFlag: Bool = false) {
        self.message = message
        self.isFromFlag = isFromFlag
    }

    /// A value that does not fit its key; secrets are never echoed.
    static func invalid(_ key: ConfigKey, text: String, origin: ConfigOrigin, location: String?, reason: String) -> ConfigurationError {
        let shown = key.isSecret ? "***" : ServerURL.maskingCredentials(in: text)
        let place = location.map { " (from \(origin.rawValue) \($0))" } ?? " (from \(origin.rawValue))"
        return ConfigurationError("invalid value '\(shown)' for \(key.path)\(place): \(reason)", isFromFlag: origin == .flag)
    }

    public var description: String { message }
}
