import Testing
@testable import PortalKit

@Suite("The Authorization header's bearer token")
struct BearerTokenTests {
    @Test("the scheme is `Bearer` in any case, then the token with spaces around it trimmed", arguments: [
        ("Bearer woesk_abc", "woesk_abc"),
        ("bearer woesk_abc", "woesk_abc"),
        ("BEARER woesk_abc", "woesk_abc"),
        ("  Bearer   woesk_abc  ", "woesk_abc"),
        ("Bearer a b", "a b"),
    ])
    func accepted(_ header: String, _ token: String) {
        #expect(AccountAuthenticator.bearerToken(header) == token)
    }

    @Test("anything else is no token", arguments: [
        "", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNz", "Bearerwoesk_abc", "Bearer\twoesk_abc", "Beare woesk_abc",
        "Bearers woesk_abc", "Bеarer woesk_abc",
    ])
    func refused(_ header: String) {
        #expect(AccountAuthenticator.bearerToken(header) == nil)
    }
}
