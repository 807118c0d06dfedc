import Crypto
import Foundation

/// API key tokens: `woesk_` followed by 256 random bits in base64url. Keys carry
/// full entropy, so a single SHA-256 (not a slow password hash) is the right
/// way to store them: lookups stay one indexed query.
public enum APIKeyToken {
    public static let prefix = "woesk_"

    public struct Generated: Sendable {
        /// The key to show once and never again.
        public let token: String
        public let hash: [UInt8]
        public let displayPrefix: String
    }

    public static func generate() -> Generated {
        let token = prefix + RandomToken.base64URL(byteCount: 32)
        return Generated(token: token, hash: hash(token), displayPrefix: String(token.prefix(prefix.count + 6)))
    }

    public static func hash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// Whether the text looks like a key at all (cheap check before hashing).
    public static func isWellFormed(_ token: String) -> Bool {
        token.hasPrefix(prefix) && token.utf8.count == prefix.utf8.count + 43
            && token.utf8.dropFirst(prefix.utf8.count).allSatisfy(RandomToken.isBase64URL)
    }
}

/// Random tokens from the system's CSPRNG (getrandom on Linux).
public enum RandomToken {
    public static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    public static func base64URL(byteCount: Int) -> String {
        base64URL(bytes(byteCount))
    }

    public static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func hex(byteCount: Int) -> String {
        bytes(byteCount).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): return true
        default: return false
        }
    }
}
