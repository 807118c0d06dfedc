import Crypto

/// SHA-256 of a token's text, for looking credentials up by hash. Every
/// authenticated request hashes its token (and pages their CSRF token): the
/// text is hashed in place and the digest copied out once, where building
/// arrays around it cost more than the hash itself.
enum TokenHash {
    static func sha256(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { utf8 in
            SHA256.hash(data: UnsafeRawBufferPointer(utf8)).withUnsafeBytes { Array($0) }
        }
    }
}
