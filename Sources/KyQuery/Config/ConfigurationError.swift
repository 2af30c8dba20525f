/// A configuration kymon cannot run with (exit status 78).
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    /// A value that does not fit its key; secrets are never echoed.
    static func invalid(_ key: ConfigKey, text: String, origin: ConfigOrigin, location: String?, reason: String) -> ConfigurationError {
        let shown = key.isSecret ? "***" : text
        let place = location.map { " (from \(origin.rawValue) \($0))" } ?? " (from \(origin.rawValue))"
        return ConfigurationError("invalid value '\(shown)' for \(key.path)\(place): \(reason)")
    }

    public var description: String { message }
}
