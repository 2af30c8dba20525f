import Testing

@testable import KyQuery

/// The syntax error `body` throws, or nil when it finishes; any other error is recorded as an issue.
func syntaxError(of body: () throws -> Void) -> JSONSyntaxError? {
    do {
        try body()
        return nil
    } catch let error as JSONSyntaxError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
