import ArgumentParser
import KyChannels
import KyQuery

extension Kymon {
    /// `kymon config`: the effective settings and where each came from.
    struct ShowConfig: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Print the effective configuration as JSON, each value with its origin.",
            discussion: """
                Origins are default, file, env and flag (flags > KY_MONITOR_* environment > config file > \
                defaults). Secrets are shown as "***".

                Example:
                  $ KY_MONITOR_REDIS_PORT=6380 kymon config --server http://gpu-1:8188
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await runReportingFailures {
                let context = try CommandContext(global: global, overrides: server.overrides)
                var writer = JSONWriter()
                context.configuration.writeReport(to: &writer)
                try StandardOutput.write(writer.bytes + [0x0A])
            }
        }
    }
}
