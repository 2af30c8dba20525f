import ArgumentParser
import AsyncHTTPClient
import KyChannels
import KyQuery

extension Kymon {
    /// `kymon doctor`: is everything kymon needs reachable and accepted?
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Check the server, the bridge and every selected channel, and print a checklist.",
            discussion: """
                Checks that ComfyUI answers (and its version, from /system_stats), whether the kymon bridge \
                is installed, and that each channel connects and authenticates. Nothing is published. \
                Exits 1 when any check fails.

                Example:
                  $ kymon doctor --channel redis --channel rocketmq
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions
        @OptionGroup var channels: ChannelOptions

        func validate() throws { try server.requireOneServer() }

        func run() async throws {
            try await runReportingFailures {
                let context = try CommandContext(global: global, overrides: server.overrides)
                let names = ChannelName.selection(flags: channels.channels, addStdout: channels.addStdout, configuration: context.configuration)
                var failures = 0
                func line(_ passed: Bool?, _ subject: String, _ detail: String) throws {
                    let mark = passed == nil ? "-" : passed == true ? "ok" : "FAIL"
                    if passed == false { failures += 1 }
                    try StandardOutput.write(Array("[\(mark)] \(subject): \(detail)\n".utf8))
                }
                try await HTTPClient.withHTTPClient(configuration: .kymon(connectTimeout: context.configuration.timeoutSeconds)) { client in
                    let source = try LiveSource(context: context, client: client)
                    do {
                        let stats = try await source.fetch("/system_stats")
                        let version = try SystemStats.version(from: stats, documentName: source.server.redacted + "/system_stats")
                        try line(true, "ComfyUI \(source.server.redacted)", "answers, version \(version ?? "unknown (older than 0.2)")")
                    } catch {
                        try line(false, "ComfyUI \(source.server.redacted)", "\(error)")
                    }
                    // Each channel is built and checked on its own, so one misconfigured channel
                    // does not hide the state of the others.
                    let factory = ChannelFactory(configuration: context.configuration, client: client, logger: context.logger)
                    for name in names.contains(.comfyui) ? names : [.comfyui] + names {
                        let selected = names.contains(name)
                        let subject = name == .comfyui && !selected ? "bridge" : "channel \(name.rawValue)"
                        let route: Dispatcher.Route
                        do {
                            guard let built = try factory.routes(for: [name]).first else { continue }
                            route = built
                        } catch {
                            try line(false, subject, "\(error)")
                            continue
                        }
                        do {
                            try line(true, subject, try await route.channel.check())
                        } catch {
                            let reason = (error as? ChannelError)?.reason ?? "\(error)"
                            try line(selected ? false : nil, subject, selected ? reason : "not usable (optional; the comfyui channel needs it): \(reason)")
                        }
                        await route.channel.shutdown()
                    }
                    if names.isEmpty { try line(nil, "channels", "none selected (give --channel NAME or enable one in the configuration)") }
                }
                if failures > 0 { throw ExitCode.failure }
            }
        }
    }
}
