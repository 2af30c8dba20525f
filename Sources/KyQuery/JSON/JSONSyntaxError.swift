/// A malformed or unexpected JSON document, with the place where reading stopped.
///
/// `line` and `column` are 1-based; the column counts bytes, so it stays exact on the single-line
/// multi-gigabyte documents that ComfyUI serves.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file path, URL or `-` the document came from.
    public var document: String
    public var line: Int
    public var column: Int
    /// What was expected and what was found, in lower case.
    public var message: String

    public init(document: String, line: Int, column: Int, message: String) {
        self.document = document
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(document):\(line):\(column): \(message)" }
}
