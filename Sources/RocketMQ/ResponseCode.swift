/// Reply codes of the remoting protocol that the producer distinguishes.
enum ResponseCode {
    static let success = 0
    static let systemError = 1
    static let systemBusy = 2
    static let requestCodeNotSupported = 3
    static let flushDiskTimeout = 10
    static let slaveNotAvailable = 11
    static let flushSlaveTimeout = 12
    static let messageIllegal = 13
    static let serviceNotAvailable = 14
    static let noPermission = 16
    static let topicNotExist = 17

    /// Whether a send refused with `code` may succeed on another queue or broker.
    static func isRetriable(_ code: Int) -> Bool {
        code == systemBusy || code == serviceNotAvailable
    }

    /// A lower-case name for messages, such as `system busy`.
    static func name(of code: Int) -> String {
        switch code {
        case success: return "success"
        case systemError: return "system error"
        case systemBusy: return "system busy"
        case requestCodeNotSupported: return "request code not supported"
        case flushDiskTimeout: return "flush disk timeout"
        case slaveNotAvailable: return "slave not available"
        case flushSlaveTimeout: return "flush slave timeout"
        case messageIllegal: return "message illegal"
        case serviceNotAvailable: return "service not available"
        case noPermission: return "no permission"
        case topicNotExist: return "topic not exist"
        default: return "unknown code"
        }
    }
}
