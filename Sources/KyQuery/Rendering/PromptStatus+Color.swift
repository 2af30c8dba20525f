extension PromptStatus {
    /// The ANSI SGR parameters the terminal renderers colour this status with.
    public var ansiColor: String {
        switch self {
        case .running: return "36"
        case .pending: return "33"
        case .completed: return "32"
        case .failed: return "31;1"
        case .interrupted: return "35"
        }
    }
}
