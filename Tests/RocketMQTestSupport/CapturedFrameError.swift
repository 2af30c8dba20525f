/// A captured frame that cannot be split or patched.
public struct CapturedFrameError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case truncated(length: Int)
        case notAnObject
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The bytes are shorter than the frame's own lengths say.
    static func truncated(length: Int) -> CapturedFrameError { CapturedFrameError(.truncated(length: length)) }

    /// The header is not a JSON object.
    static let notAnObject = CapturedFrameError(.notAnObject)

    /// A lower-case account of the problem.
    public var description: String {
        switch code {
        case .truncated(let length): return "captured frame of \(length) bytes is truncated"
        case .notAnObject: return "captured frame header is not a json object"
        }
    }
}
