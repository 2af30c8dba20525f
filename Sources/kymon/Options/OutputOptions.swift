import ArgumentParser
import KyQuery

extension OutputFormat: ExpressibleByArgument {}

/// Options that choose and shape what is printed.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Output format: table, json or jsonl (default: table on a terminal, json otherwise).", valueName: "format"))
    var format: OutputFormat?

    @Option(name: .long, help: ArgumentHelp("Show one prompt (full id or a unique prefix of 4+ characters); the exit status tells its state.", valueName: "prompt-id"))
    var id: String?

    @Option(name: .long, help: ArgumentHelp("Keep only prompts with this status: running, pending, completed, failed, interrupted (repeatable).", valueName: "status"))
    var status: [String] = []

    @Option(name: .long, help: ArgumentHelp("Print at most this many prompts.", valueName: "n"))
    var limit: Int?

    @Option(name: .long, help: ArgumentHelp("Innermost traceback frames to keep per error (0-20, default 2).", valueName: "n"))
    var tracebackDepth: Int?

    func validate() throws {
        for word in status where PromptStatus(rawValue: word) == nil {
            throw ValidationError("unknown status '\(word)'; expected one of \(PromptStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let id, id.isEmpty { throw ValidationError("--id must not be empty") }
    }

    var selection: SnapshotSelection {
        SnapshotSelection(id: id, statuses: Set(status.compactMap(PromptStatus.init(rawValue:))), limit: limit)
    }

    var overrides: [String: Configuration.FlagValue] {
        var values: [String: Configuration.FlagValue] = [:]
        if let tracebackDepth { values["traceback_depth"] = .init(String(tracebackDepth), flag: "--traceback-depth") }
        return values
    }
}
