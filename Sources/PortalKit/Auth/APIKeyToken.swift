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
        TokenHash.sha256(token)
    }

    /// Whether the text looks like a key at all (cheap check before hashing).
    /// On the bytes: String's `hasPrefix` compares by Unicode equivalence,
    /// ~2 000 instructions on every API request for what is an ASCII format.
    public static func isWellFormed(_ token: String) -> Bool {
        var token = token
        return token.withUTF8 { bytes in
            let prefixLength = prefix.utf8.count
            return bytes.count == prefixLength + 43 && bytes.starts(with: prefix.utf8)
                && bytes[prefixLength...].allSatisfy(RandomToken.isBase64URL)
        }
    }
}

/// Random tokens from the system's CSPRNG (getrandom on Linux).
public enum RandomToken {
    /// Eight bytes per draw: each draw is a `getrandom(2)` call, and a byte
    /// per draw made every page's 16-byte nonce cost 16 system calls.
    public static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var result = [UInt8]()
        result.reserveCapacity(count + 7)
        while result.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { result.append(contentsOf: $0) }
        }
        result.removeLast(result.count - count)
        return result
    }

    public static func base64URL(byteCount: Int) -> String {
        base64URL(bytes(byteCount))
    }

    /// Base64url without padding (RFC 4648 §5), written directly: this runs
    /// on every request, where Foundation's encoder plus three replacements
    /// cost more than the hash before it.
    public static func base64URL<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let value = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            if second != nil { output.append(alphabet[Int(value >> 6 & 63)]) }
            if third != nil { output.append(alphabet[Int(value & 63)]) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes unpadded base64url; nil for anything else.
    public static func decodeBase64URL(_ text: String) -> [UInt8]? {
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "_"): value = 63
            default: return nil
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero padding of the last byte, and a single
        // leftover character (6 bits) cannot encode anything.
        guard bits < 6, buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func hex(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(byteCount * 2)
        var remaining = byteCount
        while remaining > 0 {
            var word = generator.next()
            for _ in 0..<min(8, remaining) {
                text.append(digits[Int(word & 0xF)])
                text.append(digits[Int(word >> 4 & 0xF)])
                word >>= 8
            }
            remaining -= min(8, remaining)
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): return true
        default: return false
        }
    }
}
