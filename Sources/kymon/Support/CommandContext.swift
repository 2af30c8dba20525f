#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KyChannels
import KyQuery
import Logging

/// What every command starts from: the effective configuration and a logger on stderr.
struct CommandContext {
    let configuration: Configuration
    let logger: Logger
    let environment: [String: String]

    private static let loggingBootstrap: Void = LoggingSystem.bootstrap(StandardErrorLogHandler.init)

    /// Loads the configuration (flags > env > file > defaults) and logs its warnings.
    init(global: GlobalOptions, overrides: [String: Configuration.FlagValue]) throws {
        Self.loggingBootstrap
        StandardOutput.ignoreBrokenPipeSignal()
        environment = Self.processEnvironment()
        configuration = try Configuration.load(explicitFile: global.config, environment: environment, flags: global.overrides.merging(overrides) { $1 })
        var logger = Logger(label: "kymon")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .warning
        self.logger = logger
        for warning in configuration.warnings { logger.warning("\(warning)") }
    }

    /// How `https://` servers are checked (`ca_file` read now); with `insecure`, warns once per
    /// `https://` server whatever the log level.
    func upstreamTLS(for servers: [ServerURL]) throws -> UpstreamTLS {
        let tls = try configuration.upstreamTLS
        guard tls.insecure else { return tls }
        var logger = logger
        logger.logLevel = min(logger.logLevel, .warning)
        for server in servers where server.components.secure {
            logger.warning("insecure: not verifying the TLS certificate of \(server.redacted); anyone on the network path can read and alter this traffic")
        }
        return tls
    }

    var decodeOptions: DecodeOptions { DecodeOptions(tracebackDepth: configuration.tracebackDepth) }

    /// The output format: as asked, else a table on a terminal and JSON otherwise.
    func format(_ requested: OutputFormat?) -> OutputFormat {
        requested ?? (StandardOutput.isTerminal ? .table : .json)
    }

    /// A table sized to the terminal, coloured unless NO_COLOR is set or TERM is dumb.
    var tableRenderer: TableRenderer {
        let width = StandardOutput.terminalWidth ?? environment["COLUMNS"].flatMap(Int.init) ?? 80
        return TableRenderer(width: width, useColor: StandardOutput.isTerminal && colorAllowed)
    }

    /// False when NO_COLOR is set or TERM is dumb.
    var colorAllowed: Bool {
        (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    private static func processEnvironment() -> [String: String] {
        var values: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                values[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return values
    }
}
