import JWTKit

/// The public keys custom auth accepts for RS256 and ES256.
enum PublicKeyPEM {
    static func isSupported(_ pem: String) -> Bool {
        (try? Insecure.RSA.PublicKey(pem: pem)) != nil || (try? ES256PublicKey(pem: pem)) != nil
    }
}
