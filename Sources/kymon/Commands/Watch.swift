import ArgumentParser
import AsyncHTTPClient
import KyChannels
import KyQuery
import KyWatch
import ServiceLifecycle

extension Kymon {
    /// `kymon watch`: follows one or more servers live, as a terminal view or an event stream.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "watch",
            abstract: "Follow servers live: a terminal view, or kymon.event/1 lines for programs and channels.",
            discussion: """
                kymon connects to each server's /ws as kymon-<uuid> (never another client's id). With the \
                kymon bridge installed it sees every prompt's nodes and progress; without it, it still \
                follows the queue and results over HTTP. On a terminal it draws a live view; otherwise \
                (or with --format jsonl) it writes one kymon.event/1 document per line. --channel sends \
                the same events to channels. SIGTERM exits 0, SIGINT 130, after flushing channel sends.

                Examples:
                  $ kymon watch
                  $ kymon watch --server http://gpu1:8188 --server http://gpu2:8188
                  $ kymon watch --format jsonl | jq -c 'select(.event == "failed")'
                  $ kymon watch --channel redis --format jsonl > /dev/null
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions
        @OptionGroup var channels: ChannelOptions

        @Option(name: .long, help: ArgumentHelp("view (live terminal view; the default on a terminal) or jsonl (events; the default otherwise).", valueName: "format"))
        var format: WatchFormat?

        @Option(name: .long, help: ArgumentHelp("Poll every this many seconds while a socket is down (default frequency_seconds).", valueName: "seconds"))
        var interval: Double?

        @Option(name: .long, help: ArgumentHelp("Finished prompts shown per server in the view (default 5).", valueName: "n"))
        var finished: Int = 5

        @Option(name: .long, help: ArgumentHelp("Innermost traceback frames to keep per error (0-20, default 2).", valueName: "n"))
        var tracebackDepth: Int?

        func validate() throws {
            if let interval, !(interval > 0) { throw ValidationError("--interval must be greater than 0") }
            if !(0...100).contains(finished) { throw ValidationError("--finished must be from 0 to 100") }
        }

        func run() async throws {
            try await runReportingFailures {
                var overrides = server.overrides
                if let tracebackDepth { overrides["traceback_depth"] = .init(String(tracebackDepth), flag: "--traceback-depth") }
                if let interval { overrides["frequency_seconds"] = .init(JSONWriter.render(number: interval), flag: "--interval") }
                let context = try CommandContext(global: global, overrides: overrides)
                let servers = try context.configuration.servers
                let tls = try context.upstreamTLS(for: servers)
                var names = ChannelName.selection(flags: channels.channels, addStdout: channels.addStdout, configuration: context.configuration)
                // Events on stdout are the jsonl format itself, never a second copy beside the view.
                let eventsOnStdout = names.contains(.stdout)
                names.removeAll { $0 == .stdout }
                if eventsOnStdout, format == .view { throw ValidationError("the stdout channel writes events to standard output; it cannot share it with --format view") }
                let mode = format ?? (eventsOnStdout || !StandardOutput.isTerminal ? .jsonl : .view)
                let status = try await HTTPClient.withHTTPClient(configuration: .kymon(connectTimeout: context.configuration.timeoutSeconds)) { client in
                    try await withDispatcher(names, context: context, client: client, tls: tls) { dispatcher in
                        let session = WatchSession(
                            servers: servers, tls: tls, context: context, client: client, mode: mode, finishedLimit: finished,
                            dispatcher: names.isEmpty ? nil : dispatcher
                        )
                        return await session.run()
                    }
                }
                if status != .success { throw status }
            }
        }
    }
}

/// How `kymon watch` writes to stdout.
enum WatchFormat: String, ExpressibleByArgument, CaseIterable {
    case view, jsonl
}
