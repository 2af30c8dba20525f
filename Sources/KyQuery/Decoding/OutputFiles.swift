/// Collects output file names from a history `outputs` map.
enum OutputFiles {
    /// Reads `{node_id: {media_key: [item...]}}`; keeps `subfolder/filename` of items whose type is
    /// "output", at most `PromptInfo.maximumOutputs`. Strings, booleans and other odd items are skipped.
    static func decode(from reader: JSONReader, into files: inout [String]) throws {
        try reader.forEachMember("outputs") { _ in
            guard try reader.peekKind() == .object else { return try reader.skipValue() }
            try reader.beginObject()
            while try reader.nextKey() != nil {
                guard try reader.peekKind() == .array else {
                    try reader.skipValue()
                    continue
                }
                try reader.beginArray()
                while try reader.nextElement() {
                    if let name = try decodeItem(from: reader), files.count < PromptInfo.maximumOutputs {
                        files.append(name)
                    }
                }
            }
        }
    }

    /// Reads one `{filename, subfolder, type}` item; nil unless it is a saved output file.
    static func decodeItem(from reader: JSONReader) throws -> String? {
        guard try reader.peekKind() == .object else {
            try reader.skipValue()
            return nil
        }
        var filename: String?
        var subfolder: String?
        var type: String?
        try reader.beginObject()
        while let field = try reader.nextKey(matching: ["filename", "subfolder", "type"]) {
            guard field >= 0, try reader.peekKind() == .string else {
                try reader.skipValue()
                continue
            }
            let value = try reader.readString(maximumBytes: 4096)
            switch field {
            case 0: filename = value
            case 1: subfolder = value
            default: type = value
            }
        }
        guard type == "output", let filename, !filename.isEmpty else { return nil }
        guard let subfolder, !subfolder.isEmpty else { return filename }
        return "\(subfolder)/\(filename)"
    }
}
