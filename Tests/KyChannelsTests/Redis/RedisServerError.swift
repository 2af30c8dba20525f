/// The test server could not be found, started or reached.
struct RedisServerError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
