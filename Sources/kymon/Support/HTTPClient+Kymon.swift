import AsyncHTTPClient
import NIOCore

extension HTTPClient.Configuration {
    /// kymon's HTTP client settings: a refused connection fails at once (the dispatcher and the
    /// publish loop retry on their own terms), connecting gets at most `connectTimeout`, and requests
    /// make no tracing spans (kymon bootstraps no tracer, and each span costs a request work for nothing).
    static func kymon(connectTimeout seconds: Double) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = TimeAmount(.seconds(seconds))
        configuration.redirectConfiguration = .disallow
        configuration.tracing.tracer = nil
        return configuration
    }
}
