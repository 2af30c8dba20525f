#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The effective settings: defaults, overlaid by `config.json`, then `KY_MONITOR_*`, then flags.
public struct Configuration: Sendable {
    /// Resolved values by dotted path; every catalog key is present.
    public private(set) var values: [String: ConfiguredValue] = [:]
    /// The configuration file that was read, if any.
    public private(set) var file: String?
    /// Non-fatal findings such as unknown keys.
    public private(set) var warnings: [String] = []

    /// An empty configuration: no values at all (every `enabled` switch reads as off).
    public init() {}

    /// A flag's override: the raw text and the flag's spelling, for messages.
    public struct FlagValue: Sendable {
        public var text: String
        public var flag: String

        public init(_ text: String, flag: String) {
            self.text = text
            self.flag = flag
        }
    }

    /// Resolves every key. The file is `explicitFile`, else `KY_MONITOR_CONFIG`, else
    /// `./config.json` when it exists.
    public static func load(explicitFile: String?, environment: [String: String], flags: [String: FlagValue] = [:]) throws(ConfigurationError) -> Configuration {
        var configuration = Configuration()
        for key in ConfigKey.catalog {
            configuration.values[key.path] = ConfiguredValue(value: key.defaultValue, origin: .default)
        }
        if let path = explicitFile ?? environment["KY_MONITOR_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            try configuration.readFile(path)
        } else if access("config.json", F_OK) == 0 {
            try configuration.readFile("config.json")
        }
        for key in ConfigKey.catalog {
            guard let text = environment[key.environment], !text.isEmpty else { continue }
            try configuration.set(key, key.parse(text: text), text: text, origin: .env, location: key.environment)
        }
        for (path, flag) in flags {
            guard let key = ConfigKey.catalog.first(where: { $0.path == path }) else { continue }
            try configuration.set(key, key.parse(text: flag.text), text: flag.text, origin: .flag, location: flag.flag)
        }
        configuration.warnIfSecretsAreExposed()
        return configuration
    }

    private mutating func set(_ key: ConfigKey, _ parsed: Result<ConfigValue, ConfigKeyProblem>, text: String, origin: ConfigOrigin, location: String?) throws(ConfigurationError) {
        switch parsed {
        case .success(let value): values[key.path] = ConfiguredValue(value: value, origin: origin, location: location)
        case .failure(let problem): throw .invalid(key, text: text, origin: origin, location: location, reason: problem.reason)
        }
    }

    /// A file that holds a secret should be readable by its owner only.
    private mutating func warnIfSecretsAreExposed() {
        guard let file else { return }
        let secretsFromFile = ConfigKey.catalog.filter { $0.isSecret && values[$0.path]?.origin == .file && values[$0.path]?.value != nil }
        guard !secretsFromFile.isEmpty else { return }
        var status = stat()
        guard stat(file, &status) == 0, status.st_mode & 0o007 != 0 else { return }
        let names = secretsFromFile.map(\.path).joined(separator: ", ")
        warnings.append("\(file) holds secrets (\(names)) and can be read by other users; run chmod 600 \(file)")
    }

    private mutating func readFile(_ path: String) throws(ConfigurationError) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ConfigurationError("cannot read configuration file '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        file = path
        let reader = JSONReader(source: FileDescriptorByteSource(descriptor: descriptor, name: path), documentName: path, bufferSize: 64 << 10)
        do {
            try readDocument(reader, path: path)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("configuration file \(error)")
        }
    }

    private mutating func readDocument(_ reader: JSONReader, path: String) throws {
        guard try reader.peekKind() == .object else { throw reader.typeError(expected: "an object at the top of the configuration") }
        try reader.beginObject()
        var seen: Set<String> = []
        while let name = try reader.nextKey() {
            guard seen.insert(name).inserted else { throw ConfigurationError("\(location(reader, path)): duplicate key '\(name)'") }
            if ConfigKey.sections.contains(name) {
                guard try reader.peekKind() == .object else { throw reader.typeError(expected: "an object for \(name)") }
                try reader.beginObject()
                var seenInSection: Set<String> = []
                while let field = try reader.nextKey() {
                    guard seenInSection.insert(field).inserted else {
                        throw ConfigurationError("\(location(reader, path)): duplicate key '\(name).\(field)'")
                    }
                    try readValue(path: "\(name).\(field)", reader: reader, file: path)
                }
            } else {
                try readValue(path: name, reader: reader, file: path)
            }
        }
        try reader.finish()
    }

    private mutating func readValue(path: String, reader: JSONReader, file: String) throws {
        _ = try reader.peekKind()
        let place = location(reader, file)
        let json = try reader.readValue()
        guard let key = ConfigKey.catalog.first(where: { $0.path == path }) else {
            warnings.append("\(place): unknown configuration key '\(path)' ignored")
            return
        }
        if json == .null { return }
        let text: String
        if case .string(let raw) = json { text = raw } else { text = String(decoding: { var w = JSONWriter(); w.value(json); return w.bytes }(), as: UTF8.self) }
        try set(key, key.parse(json: json), text: text, origin: .file, location: place)
    }

    private func location(_ reader: JSONReader, _ file: String) -> String {
        let (line, column) = reader.location()
        return "\(file):\(line):\(column)"
    }

    // MARK: - Access

    /// The value at `path`, if any.
    public func value(_ path: String) -> ConfigValue? { values[path]?.value }

    public func string(_ path: String) -> String? {
        if case .string(let text)? = value(path) { return text }
        return nil
    }

    public func bool(_ path: String) -> Bool {
        if case .bool(let flag)? = value(path) { return flag }
        return false
    }

    public func integer(_ path: String) -> Int? {
        if case .integer(let number)? = value(path) { return number }
        return nil
    }

    public func number(_ path: String) -> Double? {
        switch value(path) {
        case .number(let number)?: return number
        case .integer(let number)?: return Double(number)
        default: return nil
        }
    }

    /// The ComfyUI server; validated when loaded.
    public var serverURL: ServerURL {
        get throws(ConfigurationError) {
            do {
                return try ServerURL(string("comfyui_url") ?? "")
            } catch {
                throw ConfigurationError("invalid value for comfyui_url: \(error.reason)")
            }
        }
    }

    /// Headers for every request to ComfyUI: `comfyui_headers`, then `Authorization: Bearer` from
    /// `comfyui_token` (which wins).
    public var comfyUIHeaders: [(name: String, value: String)] {
        var headers = string("comfyui_headers").flatMap(parseHeaderList) ?? []
        if let token = string("comfyui_token"), !token.isEmpty {
            headers.removeAll { $0.name.lowercased() == "authorization" }
            headers.append(("Authorization", "Bearer \(token)"))
        }
        return headers
    }

    /// How `https://` ComfyUI servers are checked: `ca_file` is read now, so a missing, unreadable
    /// or empty bundle fails here (exit 78), naming the file.
    public var upstreamTLS: UpstreamTLS {
        get throws(ConfigurationError) {
            try UpstreamTLS(caFile: string("ca_file").flatMap { $0.isEmpty ? nil : $0 }, insecure: bool("insecure"))
        }
    }

    /// The servers `kymon watch` follows: `servers` when set, else `comfyui_url`.
    public var servers: [ServerURL] {
        get throws(ConfigurationError) {
            guard let list = string("servers") else { return [try serverURL] }
            var urls: [ServerURL] = []
            for text in ConfigKey.splitServerList(list) {
                do {
                    urls.append(try ServerURL(text))
                } catch {
                    throw ConfigurationError("invalid value for servers: '\(ServerURL.maskingCredentials(in: error.text))': \(error.reason)")
                }
            }
            return urls
        }
    }

    public var progressEventsPerSecond: Double { number("progress_events_per_second") ?? 2 }
    public var outboxSize: Int { integer("outbox_size") ?? 1000 }
    public var historyMaxItems: Int { integer("history_max_items") ?? 100 }
    public var tracebackDepth: Int { integer("traceback_depth") ?? 2 }
    public var frequencySeconds: Double { number("frequency_seconds") ?? 5 }
    public var timeoutSeconds: Double { number("timeout_seconds") ?? 10 }
    public var logLevel: String { string("log_level") ?? "warning" }

    // MARK: - Report

    /// Writes `{"config_file": ..., "<key>": {"value", "origin", "where"}, "<section>": {...}}`;
    /// secrets that are set show as `"***"`.
    public func writeReport(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("config_file")
        if let file { writer.string(file) } else { writer.null() }
        var openSection: String?
        for key in ConfigKey.catalog {
            let parts = key.path.split(separator: ".", maxSplits: 1).map(String.init)
            let section = parts.count == 2 ? parts[0] : nil
            if section != openSection {
                if openSection != nil { writer.endObject() }
                if let section {
                    writer.key(section)
                    writer.beginObject()
                }
                openSection = section
            }
            writer.key(parts.last ?? key.path)
            let resolved = values[key.path] ?? ConfiguredValue(value: nil, origin: .default)
            writer.beginObject()
            writer.key("value")
            switch resolved.value {
            case nil: writer.null()
            case _ where key.isSecret: writer.string("***")
            case .string(let text)? where key.path == "comfyui_url": writer.string((try? ServerURL(text))?.redacted ?? text)
            case .string(let text)? where key.path == "servers":
                writer.string(ConfigKey.splitServerList(text).map { (try? ServerURL($0))?.redacted ?? "***" }.joined(separator: " "))
            case .string(let text)?: writer.string(text)
            case .bool(let flag)?: writer.bool(flag)
            case .integer(let number)?: writer.integer(Int64(number))
            case .number(let number)?: writer.number(number)
            }
            writer.key("origin")
            writer.string(resolved.origin.rawValue)
            if let location = resolved.location {
                writer.key("where")
                writer.string(location)
            }
            writer.endObject()
        }
        if openSection != nil { writer.endObject() }
        writer.endObject()
    }
}
