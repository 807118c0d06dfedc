import Testing
@testable import PortalKit

@Suite("A literal prefix and a string join into one string")
struct StringConcatenationTests {
    @Test("the result is the prefix then the suffix, byte for byte", arguments: [
        ("/issues/", "ISS-1042"), ("/issues/", ""), ("/", "x"), ("", "é✓ mixed"), ("/new/", String(repeating: "k", count: 300)),
    ])
    func joins(_ prefix: String, _ suffix: String) {
        // StaticString needs a literal: each case's prefix is picked from the literals it can be.
        let literal: StaticString = switch prefix {
            case "/issues/": "/issues/"
            case "/": "/"
            case "/new/": "/new/"
            default: ""
        }
        let joined = String.concatenating(literal, suffix)
        #expect(joined == prefix + suffix)
        #expect(Array(joined.utf8) == Array(prefix.utf8) + Array(suffix.utf8))
    }
}
