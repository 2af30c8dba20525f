#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A validated ComfyUI base URL, such as `http://127.0.0.1:8188`.
public struct ServerURL: Sendable, Equatable, CustomStringConvertible {
    /// The URL as given, without a trailing slash; may hold credentials.
    public let rawValue: String
    /// The URL with any `user:password@` removed, safe to print; requests go here.
    public let redacted: String
    /// `Basic …` for the `Authorization` header when the URL holds `user:password@`.
    public let basicAuthorization: String?

    /// Parses `http://` or `https://` URLs with a host; throws a message naming the problem.
    public init(_ text: String) throws(ServerURLError) {
        var value = text.trimmingWhitespace()
        while value.hasSuffix("/") { value.removeLast() }
        let lower = value.lowercased()
        guard let schemeEnd = value.firstRange(of: "://"), lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw ServerURLError(text: text, reason: "expected an http:// or https:// URL")
        }
        let afterScheme = value[schemeEnd.upperBound...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPart = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        guard !hostPart.isEmpty, !hostPart.hasPrefix(":") else { throw ServerURLError(text: text, reason: "the URL has no host") }
        if let colon = hostPart.lastIndex(of: ":"), !hostPart.hasSuffix("]") {
            guard let port = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(port) else {
                throw ServerURLError(text: text, reason: "the port must be a number from 1 to 65535")
            }
        }
        guard !value.contains(where: { $0 == " " || $0 == "?" || $0 == "#" }) else {
            throw ServerURLError(text: text, reason: "the URL must not contain spaces, a query or a fragment")
        }
        rawValue = value
        redacted = String(value[..<schemeEnd.upperBound]) + hostPart + afterScheme[authority.endIndex...]
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            let credentials = PercentDecoding.bytes(userInfo) ?? Array(userInfo.utf8)
            basicAuthorization = "Basic " + Data(credentials).base64EncodedString()
        } else {
            basicAuthorization = nil
        }
    }

    public var description: String { redacted }

    /// The URL of `path` (which starts with `/`) on this server, without credentials.
    public func appending(_ path: String) -> String { redacted + path }
}

/// A URL kymon cannot use as a ComfyUI server.
public struct ServerURLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text given, credentials removed.
    public let text: String
    public let reason: String

    init(text: String, reason: String) {
        if let at = text.lastIndex(of: "@"), let scheme = text.firstRange(of: "://") {
            self.text = String(text[..<scheme.upperBound]) + "***@" + text[text.index(after: at)...]
        } else {
            self.text = text
        }
        self.reason = reason
    }

    public var description: String { "invalid server URL '\(text)': \(reason)" }
}
