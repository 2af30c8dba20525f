#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KyQuery

/// A webhook address: kept whole for requests, shown without credentials or query.
public struct WebhookURL: Sendable, Equatable {
    /// The URL to request, without `user:password@` (sent as basic auth instead).
    let requestURL: String
    /// `scheme://host[:port]/path`: safe for logs and errors.
    public let display: String
    /// `Basic …` when the URL carried credentials.
    let basicAuthorization: String?

    /// Accepts `http://` and `https://` URLs with a host; the query may hold tokens and is never shown.
    public init?(_ text: String) {
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), let schemeEnd = text.firstRange(of: "://") else { return nil }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let afterAuthority = rest[authority.endIndex...]
        let host = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        guard !host.isEmpty, !host.hasPrefix(":"), !text.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else { return nil }
        let scheme = text[..<schemeEnd.upperBound]
        requestURL = String(scheme) + host + afterAuthority
        let path = afterAuthority.prefix { $0 != "?" && $0 != "#" }
        display = String(scheme) + host + path
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            let credentials = PercentDecoding.string(userInfo) ?? String(userInfo)
            basicAuthorization = "Basic " + Data(credentials.utf8).base64EncodedString()
        } else {
            basicAuthorization = nil
        }
    }
}
