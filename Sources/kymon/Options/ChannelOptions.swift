import ArgumentParser
import KyChannels

extension ChannelName: ExpressibleByArgument {}

/// Options that choose where messages go.
struct ChannelOptions: ParsableArguments {
    @Option(name: .customLong("channel"), help: ArgumentHelp("Send to this channel: comfyui, redis, rocketmq, webhook or stdout (repeatable; default: the channels enabled in the configuration).", valueName: "name"))
    var channels: [ChannelName] = []

    @Flag(name: .customLong("stdout"), help: "Also write each message to standard output, one JSON document per line.")
    var addStdout = false
}
