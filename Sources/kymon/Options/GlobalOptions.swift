import ArgumentParser
import KyQuery

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read settings from this JSON file (default: $KY_MONITOR_CONFIG, else ./config.json if present).", valueName: "path"), completion: .file(extensions: ["json"]))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Log level on stderr: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String?

    /// Flag values that override the configuration, by key path.
    var overrides: [String: Configuration.FlagValue] {
        var values: [String: Configuration.FlagValue] = [:]
        if let logLevel { values["log_level"] = .init(logLevel, flag: "--log-level") }
        return values
    }
}
