import ArgumentParser

/// The `kymon` command: watches ComfyUI servers and reports what their prompts are doing.
@main
struct Kymon: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "kymon",
        abstract: "Report what ComfyUI prompts are doing: status, node, progress, times, errors.",
        discussion: """
            Examples:
              $ kymon snapshot --server http://127.0.0.1:8188
              $ kymon snapshot --id 927bc2bd --format json
              $ kymon watch --server http://gpu1:8188 --server http://gpu2:8188
              $ kymon replay queue.json history.json --status failed
              $ kymon publish --channel redis --on-change --state /var/lib/kymon/state.json
              $ kymon publish --interval 5 --channel webhook
              $ kymon doctor
              $ kymon config
            """,
        version: version,
        subcommands: [Snapshot.self, Watch.self, Replay.self, Publish.self, Doctor.self, ShowConfig.self]
    )
}
