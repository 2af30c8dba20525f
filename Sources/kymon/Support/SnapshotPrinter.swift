import ArgumentParser
import KyChannels
import KyQuery

/// Prints a snapshot as the user asked and turns `--id` outcomes into exit statuses.
struct SnapshotPrinter {
    let context: CommandContext
    let output: OutputOptions

    /// Reads `source` and prints it. On malformed input, `jsonl` and `table` still print what was
    /// decoded before the bad spot; `json` prints nothing, as a lone document would look complete.
    /// With `spillingAfter`, finished infos beyond that many go to a temporary file and `json` and
    /// `jsonl` are written one info at a time, so memory does not grow with the input.
    func run(_ source: some SnapshotSource, spillingAfter threshold: Int? = nil) async throws {
        let format = context.format(output.format)
        var assembler = threshold.map { SnapshotAssembler(spillingAfter: $0) } ?? SnapshotAssembler()
        do {
            try await source.read(into: &assembler, options: context.decodeOptions)
        } catch {
            if format != .json, error is JSONSyntaxError {
                try? printSelected(assembler, source: source, as: format, selection: output.selection)
            }
            throw error
        }
        for warning in assembler.warnings { context.logger.warning("\(warning)") }
        guard let id = output.id else { return try printSelected(assembler, source: source, as: format, selection: output.selection) }

        var match = try SnapshotSelection.match(id: id, in: assembler)
        if match == .none {
            try await source.lookUp(id: id, into: &assembler, options: context.decodeOptions)
            match = try SnapshotSelection.match(id: id, in: assembler)
        }
        if case .ambiguous(let ids) = match {
            StandardError.write("kymon: '\(id)' matches \(ids.count) prompts (\(ids.prefix(5).joined(separator: ", "))); give more of the id\n")
            throw ExitCode.unknownPrompt
        }
        var found: [PromptInfo] = []
        if case .found(let item) = match { found = [item] }
        let whole = Snapshot(source: source.sourceDescription, generatedAt: Timestamp.now(), queue: assembler.queueCounts, items: found)
        let snapshot = SnapshotSelection(statuses: output.selection.statuses, limit: output.selection.limit).apply(to: whole)
        try StandardOutput.write(SnapshotFormatter.format(snapshot, as: format, table: context.tableRenderer))
        throw Self.exitCode(for: snapshot.items.first, id: id)
    }

    /// Writes everything in the assembler that `selection` keeps: `json` and `jsonl` one info at a
    /// time, the table (which sizes its columns from every row) at once.
    private func printSelected(_ assembler: SnapshotAssembler, source: some SnapshotSource, as format: OutputFormat, selection: SnapshotSelection) throws {
        let generatedAt = Timestamp.now()
        switch format {
        case .table:
            let snapshot = selection.apply(to: try assembler.snapshot(source: source.sourceDescription, generatedAt: generatedAt))
            try StandardOutput.write(SnapshotFormatter.format(snapshot, as: .table, table: context.tableRenderer))
        case .json, .jsonl:
            try SnapshotFormatter.stream(
                assembler, source: source.sourceDescription, generatedAt: generatedAt, asDocument: format == .json, selection: selection
            ) { chunk in try StandardOutput.write(chunk) }
        }
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
