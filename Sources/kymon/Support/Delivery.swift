import ArgumentParser
import AsyncHTTPClient
import KyChannels
import KyQuery

/// Builds the dispatcher for the chosen channels, runs `body`, and always shuts the channels down.
/// `tls` is the upstream TLS the command has read already, if any.
func withDispatcher<Result>(
    _ names: [ChannelName], context: CommandContext, client: HTTPClient, tls: UpstreamTLS? = nil, _ body: (Dispatcher) async throws -> Result
) async throws -> Result {
    let routes = try ChannelFactory(configuration: context.configuration, client: client, tls: tls, logger: context.logger).routes(for: names)
    let dispatcher = Dispatcher(routes: routes, logger: context.logger)
    do {
        let result = try await body(dispatcher)
        await dispatcher.shutdown()
        return result
    } catch {
        await dispatcher.shutdown()
        throw error
    }
}

/// Tells stderr which channels failed and why; returns the exit status for the outcome.
func reportDelivery(_ outcome: Publisher.Outcome) -> ExitCode {
    guard case .sent(_, let reports) = outcome else { return .success }
    for summary in reports.compactMap(\.failureSummary) { StandardError.write("kymon: \(summary)\n") }
    return outcome.allDelivered ? .success : .channelFailed
}

/// After SIGTERM a one-shot run exits 0 however delivery went; this says what did not get through.
func reportStoppedBySIGTERM(_ outcome: Publisher.Outcome) {
    guard case .sent(_, let reports) = outcome, !outcome.allDelivered else { return }
    let channels = reports.filter { !$0.isDelivered }.map(\.channel).joined(separator: ", ")
    StandardError.write("kymon: stopped by SIGTERM: 1 message was not delivered (channels: \(channels))\n")
}
