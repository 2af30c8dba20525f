import ArgumentParser
import AsyncHTTPClient
import KyQuery

extension Kymon {
    /// `kymon snapshot`: one look at a live server's queue and recent history.
    struct Snapshot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "snapshot",
            abstract: "Show the queue and recent history of a live ComfyUI server, once.",
            discussion: """
                Reads GET /queue and GET /history?max_items=N. With --id, the exit status tells the \
                prompt's state: 0 completed, 1 failed, 130 interrupted, 3 pending or running, 4 unknown id.

                Examples:
                  $ kymon snapshot
                  $ kymon snapshot --server http://gpu-1:8188 --status failed --format jsonl
                  $ kymon snapshot --id 927bc2bd && echo done
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions
        @OptionGroup var output: OutputOptions

        func validate() throws { try server.requireOneServer() }

        func run() async throws {
            try await runReportingFailures {
                let context = try CommandContext(global: global, overrides: server.overrides.merging(output.overrides) { $1 })
                try await HTTPClient.withHTTPClient(configuration: .kymon(connectTimeout: context.configuration.timeoutSeconds)) { client in
                    let source = try LiveSource(context: context, client: client)
                    try await SnapshotPrinter(context: context, output: output).run(source)
                }
            }
        }
    }
}
