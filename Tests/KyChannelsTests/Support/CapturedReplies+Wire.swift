import Foundation
import RocketMQTestSupport

extension CapturedReplies {
    /// The captured RocketMQ 4.9.8 replies kept beside the RocketMQ wire tests.
    static func fromWireCaptures() throws -> CapturedReplies {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("RocketMQTests/Wire/key")
        return try CapturedReplies { name in Array(try Data(contentsOf: folder.appendingPathComponent("\(name).bin"))) }
    }
}
