import Crypto

/// Session tokens: 256 random bits in base64url. The cookie carries the token;
/// the database only its SHA-256, so a database leak signs nobody in.
public enum SessionToken {
    public struct Generated: Sendable {
        public let token: String
        public let hash: [UInt8]
    }

    public static func generate() -> Generated {
        let token = RandomToken.base64URL(byteCount: 32)
        return Generated(token: token, hash: hash(token))
    }

    public static func hash(_ token: String) -> [UInt8] {
        TokenHash.sha256(token)
    }

    /// 43 base64url characters: anything else is not worth a database lookup.
    /// On the contiguous bytes: `allSatisfy` over a String's UTF-8 view cost
    /// ~2 400 instructions on every portal request, the bytes ~200.
    public static func isWellFormed(_ token: String) -> Bool {
        var token = token
        return token.withUTF8 { bytes in bytes.count == 43 && bytes.allSatisfy(RandomToken.isBase64URL) }
    }

    /// The CSRF token of a session: derived from the session token, so it is
    /// bound to that session, and one-way, so a leaked page does not leak the
    /// session.
    public static func csrfToken(for token: String) -> String {
        RandomToken.base64URL(TokenHash.sha256("csrf|" + token))
    }

    /// Compares in time independent of where the strings differ.
    public static func constantTimeEquals(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8)
        let b = Array(right.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
