import ArgumentParser
import KyQuery

/// Options for reading a live ComfyUI server.
struct ServerOptions: ParsableArguments {

    @Option(name: .customLong("server"), help: ArgumentHelp("ComfyUI base URL (default: $KY_MONITOR_COMFYUI_URL, else http://127.0.0.1:8188); watch takes it more than once.", valueName: "url"))
    var servers: [String] = []

    @Option(name: .long, help: ArgumentHelp("How many of the newest history entries to ask for (1-10000, default 100).", valueName: "n"))
    var historyMaxItems: Int?

    @Option(name: .long, help: ArgumentHelp("Deadline in seconds for each request to ComfyUI (default 10).", valueName: "seconds"))
    var timeout: Double?

    @Option(name: .customLong("header"), help: ArgumentHelp("Send this header with every request to ComfyUI, e.g. 'X-Api-Key: k' (repeatable; replaces comfyui_headers).", valueName: "name: value"))
    var headers: [String] = []

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("PEM file of CA certificates trusted for https:// servers, besides the system ones.", valueName: "path"), completion: .file())
    var caFile: String?

    @Flag(name: .long, help: "Do not verify the certificates of https:// servers (warns; for testing only).")
    var insecure = false

    func validate() throws {
        for header in headers where parseHeaderList(header)?.count != 1 {
            throw ValidationError("--header takes one 'Name: value' pair, not '\(header.split(separator: ":").first ?? "")…'")
        }
    }

    /// For commands that read one server: refuses a repeated `--server`.
    func requireOneServer() throws {
        guard servers.count <= 1 else {
            throw ValidationError("--server is given \(servers.count) times; only 'kymon watch' follows several servers")
        }
    }

    var overrides: [String: Configuration.FlagValue] {
        var values: [String: Configuration.FlagValue] = [:]
        if let server = servers.first {
            values["comfyui_url"] = .init(server, flag: "--server")
            values["servers"] = .init(servers.joined(separator: " "), flag: "--server")
        }
        if let historyMaxItems { values["history_max_items"] = .init(String(historyMaxItems), flag: "--history-max-items") }
        if !headers.isEmpty { values["comfyui_headers"] = .init(headers.joined(separator: "; "), flag: "--header") }
        if let caFile { values["ca_file"] = .init(caFile, flag: "--ca-file") }
        if insecure { values["insecure"] = .init("true", flag: "--insecure") }
        if let timeout { values["timeout_seconds"] = .init(JSONWriter.render(number: timeout), flag: "--timeout") }
        return values
    }
}
