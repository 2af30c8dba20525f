/// A ComfyUI server that could not be read.
public struct LiveSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for callers that react differently.
    public enum Reason: Sendable, Equatable {
        case unreachable(String)
        /// The TLS connection failed: an untrusted certificate, a hostname mismatch, no TLS on the port.
        case tls(String)
        case timedOut(seconds: Double)
        case httpStatus(Int)
        case bodyTooLarge(limit: Int)
    }

    /// The URL requested, credentials removed.
    public let url: String
    public let reason: Reason

    public init(url: String, reason: Reason) {
        self.url = url
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .unreachable(let detail):
            return "cannot reach ComfyUI at \(url): \(detail) (is the server running? set --server or KY_MONITOR_COMFYUI_URL)"
        case .tls(let detail):
            return "no TLS connection to ComfyUI at \(url): \(detail)"
        case .timedOut(let seconds):
            return "no complete answer from \(url) within \(Self.format(seconds)) s (raise --timeout if the server is just slow)"
        case .httpStatus(let status):
            return "\(url) answered HTTP \(status)\(status == 403 ? " (a proxy or ComfyUI's origin check refused the request)" : "")"
        case .bodyTooLarge(let limit):
            return "the answer from \(url) is larger than \(limit / (1 << 20)) MiB; lower history_max_items"
        }
    }

    /// A few words for a status line: `connection refused`, `HTTP 502`, `no answer within 10 s`.
    public var summary: String {
        switch reason {
        case .unreachable(let detail), .tls(let detail): return detail
        case .timedOut(let seconds): return "no answer within \(Self.format(seconds)) s"
        case .httpStatus(let status): return "HTTP \(status)"
        case .bodyTooLarge(let limit): return "answer over \(limit / (1 << 20)) MiB"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
    }
}
