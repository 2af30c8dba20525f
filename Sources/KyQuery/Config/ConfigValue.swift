/// A typed configuration value.
public enum ConfigValue: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case integer(Int)
    case number(Double)

    /// The value as text, for messages (callers redact secrets first).
    public var text: String {
        switch self {
        case .string(let value): return value
        case .bool(let value): return String(value)
        case .integer(let value): return String(value)
        case .number(let value): return JSONWriter.render(number: value)
        }
    }
}

/// Where a configuration value came from; flags beat environment beat file beat defaults.
public enum ConfigOrigin: String, Sendable, Comparable {
    case `default`, file, env, flag

    private var rank: Int {
        switch self {
        case .default: return 0
        case .file: return 1
        case .env: return 2
        case .flag: return 3
        }
    }

    public static func < (lhs: ConfigOrigin, rhs: ConfigOrigin) -> Bool { lhs.rank < rhs.rank }
}

/// A resolved value with its origin; `location` says exactly where (file:line:column, variable, flag).
public struct ConfiguredValue: Sendable, Equatable {
    public var value: ConfigValue?
    public var origin: ConfigOrigin
    public var location: String?

    public init(value: ConfigValue?, origin: ConfigOrigin, location: String? = nil) {
        self.value = value
        self.origin = origin
        self.location = location
    }
}
