import ArgumentParser
import AsyncHTTPClient
import KyChannels
import KyQuery
import KyWatch
import ServiceLifecycle

extension Kymon {
    /// `kymon publish`: the snapshot, sent to the channels once (cron) or on a timer (daemon).
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Send the snapshot to the channels, once (for cron) or every --interval seconds.",
            discussion: """
                Each message is a kymon.snapshot/1 document with "server" and "seq" added. Sends run \
                concurrently; each channel has its own timeout and retries. Exit status: 0 when every \
                channel accepted the message (or nothing changed), 75 when any failed, 69 when the \
                server cannot be read.

                Examples:
                  $ kymon publish --channel redis
                  */5 * * * * kymon publish --on-change --state /var/lib/kymon/state.json
                  $ kymon publish --interval 5 --channel webhook --channel rocketmq
                  $ kymon publish --from history.json --stdout
                """
        )

        /// How long a publish in flight may go on after SIGTERM (or SIGINT, for a daemon) before it is cancelled.
        static let shutdownGrace: Duration = .seconds(30)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions
        @OptionGroup var channels: ChannelOptions

        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Publish these saved documents instead of reading the server (- for standard input).", valueName: "file"), completion: .file(extensions: ["json"]))
        var from: [String] = []

        @Option(name: .long, help: ArgumentHelp("Keep running and publish every this many seconds, until SIGINT or SIGTERM.", valueName: "seconds"))
        var interval: Double?

        @Flag(name: .long, help: "Keep running and publish every frequency_seconds (KY_MONITOR_FREQUENCY_SECONDS).")
        var daemon = false

        @Flag(name: .long, help: "Send only prompts that are new or changed status since the last run (needs --state).")
        var onChange = false

        @Option(name: .long, help: ArgumentHelp("State file that keeps seq across runs and, with --on-change, what was published (written atomically).", valueName: "path"), completion: .file())
        var state: String?

        @Option(name: .long, help: ArgumentHelp("Innermost traceback frames to keep per error (0-20, default 2).", valueName: "n"))
        var tracebackDepth: Int?

        func validate() throws {
            try server.requireOneServer()
            if onChange, state == nil { throw ValidationError("--on-change needs --state FILE to remember what was sent") }
            if from.contains("-"), interval != nil || daemon { throw ValidationError("standard input (-) can be read once, not every --interval") }
            if let interval, !(interval > 0) { throw ValidationError("--interval must be greater than 0") }
            if interval != nil, daemon { throw ValidationError("give --interval or --daemon, not both") }
        }

        func run() async throws {
            try await runReportingFailures {
                var overrides = server.overrides
                if let tracebackDepth { overrides["traceback_depth"] = .init(String(tracebackDepth), flag: "--traceback-depth") }
                let context = try CommandContext(global: global, overrides: overrides)
                let names = ChannelName.selection(flags: channels.channels, addStdout: channels.addStdout, configuration: context.configuration)
                guard !names.isEmpty else {
                    throw ValidationError("no channel selected: give --channel NAME (or --stdout), or enable a channel in the configuration")
                }
                try await HTTPClient.withHTTPClient(configuration: .kymon(connectTimeout: context.configuration.timeoutSeconds)) { client in
                    let live = from.isEmpty ? try LiveSource(context: context, client: client) : nil
                    let source: any SnapshotSource = live ?? FileSource(paths: from)
                    try await withDispatcher(names, context: context, client: client, tls: live?.tls) { dispatcher in
                        let options = context.decodeOptions
                        if let seconds = interval ?? (daemon ? context.configuration.frequencySeconds : nil) {
                            let outboxes = Outboxes(dispatcher: dispatcher, capacity: context.configuration.outboxSize, logger: context.logger)
                            let publisher = try Publisher(delivery: outboxes, server: source.sourceDescription, statePath: state, onlyChanges: onChange)
                            let loop = PublishLoop(interval: .seconds(seconds), publisher: publisher, outboxes: outboxes, logger: context.logger) {
                                try await source.snapshot(options: options)
                            }
                            var groupConfiguration = ServiceGroupConfiguration(
                                services: [
                                    .init(service: loop, successTerminationBehavior: .gracefullyShutdownGroup),
                                    .init(service: MemoryTrim(logger: context.logger), successTerminationBehavior: .ignore),
                                ],
                                gracefulShutdownSignals: [.sigterm, .sigint],
                                logger: context.logger
                            )
                            groupConfiguration.maximumGracefulShutdownDuration = Self.shutdownGrace
                            groupConfiguration.maximumCancellationDuration = .seconds(5)
                            try await ServiceGroup(configuration: groupConfiguration).run()
                        } else {
                            let publisher = try Publisher(delivery: dispatcher, server: source.sourceDescription, statePath: state, onlyChanges: onChange)
                            let (outcome, terminated) = try await finishingOnSIGTERM(grace: Self.shutdownGrace, logger: context.logger) { [publisher] in
                                var publisher = publisher
                                return try await publisher.publish(try await source.snapshot(options: options))
                            }
                            let code = reportDelivery(outcome)
                            if terminated {
                                reportStoppedBySIGTERM(outcome)
                            } else if code != .success {
                                throw code
                            }
                        }
                    }
                }
            }
        }
    }
}

extension LiveSource {
    /// The live source the configuration describes.
    init(context: CommandContext, client: HTTPClient) throws {
        let server = try context.configuration.serverURL
        self.init(
            server: server, historyMaxItems: context.configuration.historyMaxItems, client: client,
            timeout: .seconds(context.configuration.timeoutSeconds),
            headers: context.configuration.comfyUIHeaders, bridgeToken: context.configuration.string("prompt_server_channel.token"),
            tls: try context.upstreamTLS(for: [server]), logger: context.logger
        )
    }
}
