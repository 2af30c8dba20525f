/// One configuration setting: its `config.json` path, its environment variable, type and default.
public struct ConfigKey: Sendable {
    /// What values a key accepts.
    public enum ValueType: Sendable {
        case string
        /// A string matching a rule; `rule` describes it for messages.
        case pattern(rule: String, check: @Sendable (String) -> Bool)
        case bool
        case integer(ClosedRange<Int>)
        case positiveNumber
        case choice([String])
        case serverURL
        /// ComfyUI base URLs: a JSON array, or one string separated by commas or spaces.
        case serverList
    }

    /// Dotted path in `config.json`, e.g. `redis_channel.port`.
    public let path: String
    /// Environment variable, e.g. `KY_MONITOR_REDIS_PORT`.
    public let environment: String
    public let type: ValueType
    public let defaultValue: ConfigValue?
    /// Secrets are shown as `***` everywhere.
    public let isSecret: Bool
    /// One line for documentation.
    public let summary: String

    public init(_ path: String, env: String, _ type: ValueType, default defaultValue: ConfigValue? = nil, secret: Bool = false, summary: String) {
        self.path = path
        self.environment = env
        self.type = type
        self.defaultValue = defaultValue
        self.isSecret = secret
        self.summary = summary
    }

    /// Parses text from the environment or a flag. Booleans accept true/false/1/0/yes/no.
    public func parse(text: String) -> Result<ConfigValue, ConfigKeyProblem> {
        switch type {
        case .bool:
            switch text.lowercased() {
            case "true", "1", "yes", "on": return .success(.bool(true))
            case "false", "0", "no", "off": return .success(.bool(false))
            default: return .failure(.init("expected true/false, 1/0, yes/no or on/off"))
            }
        case .integer(let range):
            guard let value = Int(text) else { return .failure(.init("expected a whole number from \(range.lowerBound) to \(range.upperBound)")) }
            return validate(.integer(value))
        case .positiveNumber:
            guard let value = Double(text), value.isFinite else { return .failure(.init("expected a number greater than 0")) }
            return validate(.number(value))
        case .string, .pattern, .choice, .serverURL, .serverList:
            return validate(.string(text))
        }
    }

    /// Converts a `config.json` value to this key's type.
    public func parse(json: JSONValue) -> Result<ConfigValue, ConfigKeyProblem> {
        switch (type, json) {
        case (.bool, .bool(let flag)): return .success(.bool(flag))
        case (.bool, .string(let text)): return parse(text: text)
        case (.bool, .number(let number)) where number == 0 || number == 1: return .success(.bool(number == 1))
        case (.integer(let range), .number(let number)):
            guard number.rounded() == number, abs(number) < 1e15 else {
                return .failure(.init("expected a whole number from \(range.lowerBound) to \(range.upperBound)"))
            }
            return validate(.integer(Int(number)))
        case (.integer, .string(let text)), (.positiveNumber, .string(let text)): return parse(text: text)
        case (.positiveNumber, .number(let number)): return validate(.number(number))
        case (.string, .string(let text)), (.pattern, .string(let text)), (.choice, .string(let text)), (.serverURL, .string(let text)):
            return validate(.string(text))
        case (.serverList, .string(let text)): return validate(.string(text))
        case (.serverList, .array(let elements)):
            var urls: [String] = []
            for element in elements {
                guard case .string(let text) = element else { return .failure(.init("expected an array of URL strings, found \(element.kind) in it")) }
                urls.append(text)
            }
            return validate(.string(urls.joined(separator: " ")))
        default:
            return .failure(.init("expected \(expectedDescription), found \(json.kind)"))
        }
    }

    private var expectedDescription: String {
        switch type {
        case .bool: return "a boolean"
        case .integer: return "a whole number"
        case .positiveNumber: return "a number"
        default: return "a string"
        }
    }

    private func validate(_ value: ConfigValue) -> Result<ConfigValue, ConfigKeyProblem> {
        switch (type, value) {
        case (.integer(let range), .integer(let number)) where !range.contains(number):
            return .failure(.init("expected a whole number from \(range.lowerBound) to \(range.upperBound)"))
        case (.positiveNumber, .number(let number)) where !(number > 0):
            return .failure(.init("expected a number greater than 0"))
        case (.choice(let choices), .string(let text)) where !choices.contains(text):
            return .failure(.init("expected one of \(choices.joined(separator: ", "))"))
        case (.pattern(let rule, let check), .string(let text)) where !check(text):
            return .failure(.init("expected \(rule)"))
        case (.serverURL, .string(let text)):
            do {
                _ = try ServerURL(text)
            } catch {
                return .failure(.init(error.reason))
            }
            return .success(value)
        case (.serverList, .string(let text)):
            let urls = Self.splitServerList(text)
            guard !urls.isEmpty else { return .failure(.init("expected at least one http:// or https:// URL")) }
            for url in urls {
                do {
                    _ = try ServerURL(url)
                } catch {
                    return .failure(.init("'\(ServerURL.maskingCredentials(in: error.text))': \(error.reason)"))
                }
            }
            return .success(.string(urls.joined(separator: " ")))
        default:
            return .success(value)
        }
    }

    /// The URLs of a server list string (separated by commas and/or white space).
    public static func splitServerList(_ text: String) -> [String] {
        text.split { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\n" }.map(String.init)
    }
}

/// Why a value does not fit its key.
public struct ConfigKeyProblem: Error, Sendable, Equatable {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
}
