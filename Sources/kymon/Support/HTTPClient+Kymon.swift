import AsyncHTTPClient
import NIOCore

extension HTTPClient.Configuration {
    /// kymon's HTTP client settings: a refused connection fails at once (the dispatcher and the
    /// publish loop retry on their own terms), and connecting gets at most `connectTimeout`.
    static func kymon(connectTimeout seconds: Double) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = TimeAmount(.seconds(seconds))
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}
