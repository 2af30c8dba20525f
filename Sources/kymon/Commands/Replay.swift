import ArgumentParser
import AsyncHTTPClient
import KyChannels
import KyQuery

extension Kymon {
    /// `kymon replay`: the same report from saved documents.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Report on saved ComfyUI documents (queue, history, jobs) of any size.",
            discussion: """
                Accepts any mix of /queue, /history, /history/{id}, /api/jobs and /api/jobs/{id} \
                documents, detected by shape; - reads standard input. Documents are streamed, so \
                multi-gigabyte histories use little memory.

                Examples:
                  $ kymon replay queue.json history.json
                  $ curl -s http://127.0.0.1:8188/history | kymon replay - --format jsonl
                  $ kymon replay history.json --channel redis   # feed a consumer under test
                  $ kymon replay huge-history.json --fast-skip --format jsonl

                With --channel or --stdout, the snapshot is published to those channels (as `publish` \
                would) instead of printed; the channels' enabled switches are not consulted.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var channels: ChannelOptions

        /// Finished infos kept in memory before they go to a temporary file (about 1.5 KB each).
        static let infosInMemory = 1024

        @Argument(help: ArgumentHelp("Documents to read; - for standard input.", valueName: "file"), completion: .file(extensions: ["json"]))
        var files: [String] = []

        @Flag(
            help: ArgumentHelp(
                "Skip what kymon does not read (workflows, prompt graphs) by its strings and brackets alone, several times faster.",
                discussion: "Their JSON grammar is not checked, so damage inside them goes unreported; a cut-off document is still an error."
            )
        )
        var fastSkip = false

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one document to replay, or - for standard input") }
            if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
            if !channels.channels.isEmpty || channels.addStdout, output.format != nil || output.id != nil {
                throw ValidationError("--format and --id print a report; with --channel or --stdout the snapshot is published instead")
            }
        }

        func run() async throws {
            try await runReportingFailures {
                let context = try CommandContext(global: global, overrides: output.overrides)
                let source = FileSource(paths: files, checksSkippedValues: !fastSkip)
                try source.checkReadable()
                let names = ChannelName.selection(flags: channels.channels, addStdout: channels.addStdout, configuration: Configuration())
                guard !names.isEmpty else { return try await SnapshotPrinter(context: context, output: output).run(source, spillingAfter: Self.infosInMemory) }
                let snapshot = output.selection.apply(to: try await source.snapshot(options: context.decodeOptions))
                try await HTTPClient.withHTTPClient(configuration: .kymon(connectTimeout: context.configuration.timeoutSeconds)) { client in
                    try await withDispatcher(names, context: context, client: client) { dispatcher in
                        var publisher = try Publisher(delivery: dispatcher, server: source.sourceDescription, statePath: nil)
                        let code = reportDelivery(try await publisher.publish(snapshot))
                        if code != .success { throw code }
                    }
                }
            }
        }
    }
}
