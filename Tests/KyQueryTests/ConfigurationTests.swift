import Foundation
import Testing
@testable import KyQuery

@Suite("Configuration")
struct ConfigurationTests {
    private func withFile(_ text: String, _ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-config-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }

    @Test("defaults when nothing is set")
    func defaults() throws {
        let configuration = try Configuration.load(explicitFile: nil, environment: [:])
        #expect(configuration.string("comfyui_url") == "http://127.0.0.1:8188")
        #expect(configuration.historyMaxItems == 100)
        #expect(configuration.tracebackDepth == 2)
        #expect(configuration.frequencySeconds == 5)
        #expect(configuration.values["redis_channel.port"]?.origin == .default)
        #expect(configuration.string("prompt_server_channel.event_name") == "ky_monitor_update")
    }

    @Test("flags beat environment beat file beat defaults")
    func precedence() throws {
        try withFile(#"{"history_max_items": 7, "traceback_depth": 3, "frequency_seconds": 2, "redis_channel": {"port": 6380, "enabled": "yes"}}"#) { path in
            let configuration = try Configuration.load(
                explicitFile: path,
                environment: ["KY_MONITOR_HISTORY_MAX_ITEMS": "8", "KY_MONITOR_TRACEBACK_DEPTH": "4"],
                flags: ["traceback_depth": .init("5", flag: "--traceback-depth")]
            )
            #expect(configuration.frequencySeconds == 2)
            #expect(configuration.values["frequency_seconds"]?.origin == .file)
            #expect(configuration.values["frequency_seconds"]?.location == "\(path):1:69")
            #expect(configuration.historyMaxItems == 8)
            #expect(configuration.values["history_max_items"]?.origin == .env)
            #expect(configuration.tracebackDepth == 5)
            #expect(configuration.values["traceback_depth"]?.origin == .flag)
            #expect(configuration.integer("redis_channel.port") == 6380)
            #expect(configuration.bool("redis_channel.enabled"))
        }
    }

    @Test("KY_MONITOR_CONFIG names the file")
    func configFromEnvironment() throws {
        try withFile(#"{"comfyui_url": "http://gpu-1:8188"}"#) { path in
            let configuration = try Configuration.load(explicitFile: nil, environment: ["KY_MONITOR_CONFIG": path])
            #expect(configuration.string("comfyui_url") == "http://gpu-1:8188")
            #expect(configuration.file == path)
        }
    }

    @Test("booleans accept true/false/1/0/yes/no", arguments: [("true", true), ("1", true), ("yes", true), ("FALSE", false), ("0", false), ("no", false)])
    func booleans(text: String, expected: Bool) throws {
        let configuration = try Configuration.load(explicitFile: nil, environment: ["KY_MONITOR_REDIS_ENABLED": text])
        #expect(configuration.bool("redis_channel.enabled") == expected)
    }

    @Test(
        "invalid values name the key, the value and where it came from",
        arguments: [
            (["KY_MONITOR_REDIS_PORT": "70000"], "invalid value '70000' for redis_channel.port (from env KY_MONITOR_REDIS_PORT): expected a whole number from 1 to 65535"),
            (["KY_MONITOR_FREQUENCY_SECONDS": "0"], "for frequency_seconds (from env KY_MONITOR_FREQUENCY_SECONDS): expected a number greater than 0"),
            (["KY_MONITOR_REDIS_ENABLED": "maybe"], "expected true/false, 1/0, yes/no or on/off"),
            (["KY_MONITOR_COMFYUI_URL": "ftp://x"], "expected an http:// or https:// URL"),
            (["KY_MONITOR_LOG_LEVEL": "loud"], "expected one of trace, debug"),
            (["KY_MONITOR_PROMPT_SERVER_EVENT_NAME": "executing"], "^ky[a-z0-9_.-]{0,62}$"),
        ]
    )
    func invalidEnvironment(environment: [String: String], message: String) {
        #expect {
            try Configuration.load(explicitFile: nil, environment: environment)
        } throws: { error in
            (error as? ConfigurationError)?.message.contains(message) == true
        }
    }

    @Test("file errors carry file:line:column")
    func fileErrors() throws {
        try withFile("{\n  \"redis_channel\": {\n    \"port\": \"six\"\n  }\n}") { path in
            #expect {
                try Configuration.load(explicitFile: path, environment: [:])
            } throws: { error in
                (error as? ConfigurationError)?.message == "invalid value 'six' for redis_channel.port (from file \(path):3:13): expected a whole number from 1 to 65535"
            }
        }
        try withFile("{\"a\": }") { path in
            #expect {
                try Configuration.load(explicitFile: path, environment: [:])
            } throws: { error in
                (error as? ConfigurationError)?.message.hasPrefix("configuration file \(path):1:7: expected a value") == true
            }
        }
        try withFile(#"{"log_level": "info", "log_level": "debug"}"#) { path in
            #expect(throws: ConfigurationError.self) { try Configuration.load(explicitFile: path, environment: [:]) }
        }
        #expect(throws: ConfigurationError.self) { try Configuration.load(explicitFile: "/nonexistent/kymon.json", environment: [:]) }
    }

    @Test("unknown keys are warnings, not errors")
    func unknownKeys() throws {
        try withFile(#"{"colour": "blue", "redis_channel": {"hots": "x"}}"#) { path in
            let configuration = try Configuration.load(explicitFile: path, environment: [:])
            #expect(configuration.warnings.count == 2)
            #expect(configuration.warnings[0].contains("unknown configuration key 'colour'"))
            #expect(configuration.warnings[1].contains("'redis_channel.hots'"))
        }
    }

    @Test("the report masks secrets and credentials in the URL")
    func reportMasksSecrets() throws {
        let configuration = try Configuration.load(
            explicitFile: nil,
            environment: ["KY_MONITOR_REDIS_PASSWORD": "hunter2", "KY_MONITOR_COMFYUI_URL": "http://admin:s3cret@gpu:8188", "KY_MONITOR_PROMPT_SERVER_TOKEN": "tok-123"]
        )
        var writer = JSONWriter()
        configuration.writeReport(to: &writer)
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("s3cret"))
        #expect(!text.contains("tok-123"))
        #expect(text.contains(#""password":{"value":"***","origin":"env","where":"KY_MONITOR_REDIS_PASSWORD"}"#))
        #expect(text.contains(#""comfyui_url":{"value":"http://gpu:8188""#))
        let parsed = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any]
        #expect((parsed?["redis_channel"] as? [String: Any])?["port"] != nil)
    }

    @Test("a config file with secrets that others can read gets a warning")
    func exposedSecrets() throws {
        try withFile(#"{"redis_channel": {"password": "pw"}}"#) { path in
            chmod(path, 0o644)
            let open = try Configuration.load(explicitFile: path, environment: [:])
            #expect(open.warnings.contains { $0.contains("holds secrets (redis_channel.password)") && $0.contains("chmod 600") })
            chmod(path, 0o640)
            #expect(try Configuration.load(explicitFile: path, environment: [:]).warnings.isEmpty)
        }
    }

    @Test("an invalid secret is not echoed")
    func invalidSecretNotEchoed() throws {
        try withFile(#"{"redis_channel": {"password": 12345}}"#) { path in
            #expect {
                try Configuration.load(explicitFile: path, environment: [:])
            } throws: { error in
                let message = (error as? ConfigurationError)?.message ?? ""
                return message.contains("'***'") && !message.contains("12345")
            }
        }
    }
}
