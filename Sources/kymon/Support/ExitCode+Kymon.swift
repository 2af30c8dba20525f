import ArgumentParser

/// kymon's exit statuses (sysexits where one fits); the README and man page list them.
extension ExitCode {
    /// `--id`: the prompt failed.
    static let promptFailed = ExitCode(1)
    /// `--id`: the prompt is still pending or running.
    static let promptNotFinished = ExitCode(3)
    /// `--id`: no prompt has that id.
    static let unknownPrompt = ExitCode(4)
    /// Malformed input (EX_DATAERR).
    static let malformedInput = ExitCode(65)
    /// An input file is missing or unreadable (EX_NOINPUT).
    static let inputMissing = ExitCode(66)
    /// The ComfyUI server cannot be read (EX_UNAVAILABLE).
    static let serverUnavailable = ExitCode(69)
    /// An internal error that should not happen (EX_SOFTWARE).
    static let internalError = ExitCode(70)
    /// Reading or writing failed (EX_IOERR).
    static let ioError = ExitCode(74)
    /// A channel did not accept a message (EX_TEMPFAIL): try again later.
    static let channelFailed = ExitCode(75)
    /// Invalid configuration (EX_CONFIG).
    static let configurationError = ExitCode(78)
    /// `--id`: the prompt was interrupted (128 + SIGINT, like a shell).
    static let promptInterrupted = ExitCode(130)
}
