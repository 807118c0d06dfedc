import Testing
@testable import PortalKit

@Suite("Percent-encoding of query values")
struct PercentEncodingTests {
    @Test("RFC 3986 unreserved characters stay; every other byte becomes %XX, UTF-8 byte by byte", arguments: [
        ("AZaz09-._~", "AZaz09-._~"),
        ("a b/c?d=e&f+g%h", "a%20b%2Fc%3Fd%3De%26f%2Bg%25h"),
        ("é€", "%C3%A9%E2%82%AC"),
        ("", ""),
        ("bWVtYmVyOjJ8fDE3OTI1ODc1MDU3NjUuNDgwMDE", "bWVtYmVyOjJ8fDE3OTI1ODc1MDU3NjUuNDgwMDE"),
    ])
    func encodes(_ text: String, _ expected: String) {
        #expect(PercentEncoding.queryValue(text) == expected)
    }
}
