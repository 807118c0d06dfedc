import Crypto
import Testing
@testable import PortalKit

@Suite("Token hashes")
struct TokenHashTests {
    @Test("SHA-256 of the text's UTF-8: the standard test vector")
    func knownAnswer() {
        let hex = TokenHash.sha256("abc").map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        #expect(hex.joined() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("the same digest as hashing a copied array, for empty, short, long and non-ASCII text",
          arguments: ["", "short", "woesk_hRD2Uuvsh40dcTv8ebDM5pMffv2w3aVxaGlGvmyOzjM", "csrf|é€✓"])
    func sameAsArray(_ text: String) {
        #expect(TokenHash.sha256(text) == Array(SHA256.hash(data: Array(text.utf8))))
    }
}
