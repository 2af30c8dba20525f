/// Where a prompt stands. Raw values are the contract's status words.
public enum PromptStatus: String, Sendable, CaseIterable, Comparable {
    case running, pending, completed, failed, interrupted

    /// True for states a prompt never leaves.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .interrupted: return true
        case .running, .pending: return false
        }
    }

    public static func < (lhs: PromptStatus, rhs: PromptStatus) -> Bool {
        allCases.firstIndex(of: lhs).unsafelyUnwrapped < allCases.firstIndex(of: rhs).unsafelyUnwrapped
    }
}
