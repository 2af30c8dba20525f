/// Reads `comfyui_version` from a `/system_stats` answer.
public enum SystemStats {
    /// The version string, or nil when the server does not report one (before v0.2.0).
    public static func version(from body: [UInt8], documentName: String) throws -> String? {
        let reader = JSONReader(bytes: body, documentName: documentName)
        var version: String?
        try reader.forEachMember("system_stats") { key in
            guard key == "system", try reader.peekKind() == .object else { return try reader.skipValue() }
            try reader.forEachMember("system") { field in
                if field == "comfyui_version", try reader.peekKind() == .string {
                    version = try reader.readString(maximumBytes: 256)
                } else {
                    try reader.skipValue()
                }
            }
        }
        try reader.finish()
        return version
    }
}
