extension ServerURL {
    /// The parts a raw socket needs: scheme security, host, port and any base path.
    public struct Components: Sendable, Equatable {
        public var secure: Bool
        /// Without IPv6 brackets.
        public var host: String
        public var port: Int
        /// Empty, or a path such as `/comfy` when ComfyUI sits behind a proxy prefix.
        public var basePath: String
    }

    /// Host, port (default 80 or 443) and base path of the redacted URL.
    public var components: Components {
        let secure = redacted.lowercased().hasPrefix("https://")
        let afterScheme = redacted.dropFirst(secure ? 8 : 7)
        let authority = afterScheme.prefix { $0 != "/" }
        let basePath = String(afterScheme.dropFirst(authority.count))
        var host = Substring(authority)
        var port = secure ? 443 : 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]"), let number = Int(authority[authority.index(after: colon)...]) {
            host = authority[..<colon]
            port = number
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return Components(secure: secure, host: String(host), port: port, basePath: basePath)
    }
}

extension ServerURL {
    /// `text` with any `user:password@` after `://` replaced by `***@`, for messages about URLs
    /// that did not parse.
    public static func maskingCredentials(in text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let scheme = rest.firstRange(of: "://") {
            result += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != " " && $0 != "," }
            if let at = authority.lastIndex(of: "@") {
                result += "***@"
                rest = rest[rest.index(after: at)...]
            }
        }
        return result + rest
    }
}
