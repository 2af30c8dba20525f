import Foundation
import RocketMQTestSupport
import Testing

/// The captured RocketMQ 4.9.8 frames shipped as test resources under `Wire/`.
enum Wire {
    /// The `Wire` resource folder.
    static func directory() throws -> URL {
        try #require(Bundle.module.url(forResource: "Wire", withExtension: nil), "Wire resources are missing")
    }

    /// The bytes of key vector `name` (`Wire/key/<name>.bin`).
    static func key(_ name: String) throws -> [UInt8] {
        let url = try directory().appendingPathComponent("key").appendingPathComponent("\(name).bin")
        return Array(try Data(contentsOf: url))
    }

    /// Every captured frame file (`Wire/frames/NNN_{req,resp}_<code>.bin`), in capture order.
    static func frameFiles() throws -> [URL] {
        let folder = try directory().appendingPathComponent("frames")
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "bin" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The key vector index: name, frame number and parsed header of each vector.
    static func index() throws -> [[String: Any]] {
        let url = try directory().appendingPathComponent("key").appendingPathComponent("index.json")
        let parsed = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try #require(parsed as? [[String: Any]])
    }

    /// The captured replies the fake servers answer with.
    static func replies() throws -> CapturedReplies {
        try CapturedReplies(load: key)
    }
}
