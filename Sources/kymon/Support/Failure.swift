import ArgumentParser
import KyChannels
import KyQuery

/// Prints an error to stderr as `kymon: message` and maps it to its exit status.
enum Failure {
    static func exitCode(for error: any Error) -> ExitCode {
        switch error {
        case is ValidationError: return .validationFailure
        case is JSONSyntaxError: return .malformedInput
        case InputError.cannotOpen: return .inputMissing
        case is InputError: return .ioError
        case is LiveSourceError: return .serverUnavailable
        case let error as ConfigurationError: return error.isFromFlag ? .validationFailure : .configurationError
        case is PublishStateError: return .ioError
        case StandardOutputError.closed: return .success
        case is StandardOutputError: return .ioError
        default: return .internalError
        }
    }

    /// Reports `error` unless it is a quiet one, and returns the `ExitCode` to throw.
    static func report(_ error: any Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        let code = exitCode(for: error)
        if case StandardOutputError.closed = error { return code }
        StandardError.write("kymon: \(error)\n")
        return code
    }
}
