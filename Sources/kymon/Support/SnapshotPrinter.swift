import ArgumentParser
import KyChannels
import KyQuery

/// Prints a snapshot as the user asked and turns `--id` outcomes into exit statuses.
struct SnapshotPrinter {
    let context: CommandContext
    let output: OutputOptions

    /// Reads `source` and prints it. On malformed input, `jsonl` and `table` still print what was
    /// decoded before the bad spot; `json` prints nothing, as a lone document would look complete.
    func run(_ source: some SnapshotSource) async throws {
        let format = context.format(output.format)
        var assembler = SnapshotAssembler()
        do {
            try await source.read(into: &assembler, options: context.decodeOptions)
        } catch {
            if format != .json, error is JSONSyntaxError {
                let partial = assembler.snapshot(source: source.sourceDescription, generatedAt: Timestamp.now())
                try? StandardOutput.write(SnapshotFormatter.format(output.selection.apply(to: partial), as: format, table: context.tableRenderer))
            }
            throw error
        }
        for warning in assembler.warnings { context.logger.warning("\(warning)") }
        var whole = assembler.snapshot(source: source.sourceDescription, generatedAt: Timestamp.now())
        if let id = output.id, SnapshotSelection.match(id: id, in: whole.items) == .none {
            try await source.lookUp(id: id, into: &assembler, options: context.decodeOptions)
            whole = assembler.snapshot(source: source.sourceDescription, generatedAt: whole.generatedAt)
        }
        let snapshot = output.selection.apply(to: whole)
        if let id = output.id, case .ambiguous(let ids) = SnapshotSelection.match(id: id, in: whole.items) {
            StandardError.write("kymon: '\(id)' matches \(ids.count) prompts (\(ids.prefix(5).joined(separator: ", "))); give more of the id\n")
            throw ExitCode.unknownPrompt
        }
        try StandardOutput.write(SnapshotFormatter.format(snapshot, as: format, table: context.tableRenderer))
        if let id = output.id { throw Self.exitCode(for: snapshot.items.first, id: id) }
    }

    private static func exitCode(for item: PromptInfo?, id: String) -> ExitCode {
        guard let item else {
            StandardError.write("kymon: no prompt with id '\(id)'\n")
            return .unknownPrompt
        }
        switch item.status {
        case .completed: return .success
        case .failed: return .promptFailed
        case .interrupted: return .promptInterrupted
        case .pending, .running: return .promptNotFinished
        }
    }
}

/// Runs a command body, printing any failure as `kymon: …` and exiting with its documented status.
func runReportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        throw Failure.report(error)
    }
}
