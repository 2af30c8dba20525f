import Crypto

/// `X-Kymon-Signature: sha256=<hex HMAC-SHA256 of the body>`, keyed by `webhook_channel.secret`.
///
/// Receivers recompute the HMAC over the raw body with the shared secret and compare in constant time.
public enum WebhookSignature {
    public static func header(for body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in code {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return "sha256=" + String(decoding: hex, as: UTF8.self)
    }
}
