/// The short form of an `execution_error`: type, trimmed message and the innermost frames.
public struct ErrorInfo: Sendable, Equatable {
    /// Exception class without any directory prefix, e.g. `ValueError` or `pkg.MyError`.
    public var type: String?
    /// Trimmed message, at most 500 characters.
    public var message: String?
    /// Innermost frames last, each as `dir/file.py, line N, in function`.
    public var traceback: [String]

    public init(type: String? = nil, message: String? = nil, traceback: [String] = []) {
        self.type = type
        self.message = message
        self.traceback = traceback
    }
}
