import HTTPTypes
import Testing
@testable import PortalKit

@Suite("A session token's hash and CSRF token are remembered for sessions found, and never decide whether a session holds")
struct SessionTokenDerivationsTests {
    @Test("the derived values are the token's SHA-256 and its CSRF token")
    func derivedValues() {
        let token = SessionToken.generate().token
        let derived = SessionTokenDerivations.Derived(token)
        #expect(derived.hash == SessionToken.hash(token))
        #expect(derived.csrfToken == SessionToken.csrfToken(for: token))
    }

    @Test("a table remembers what it is given, and forgets everything at once when full")
    func capacity() {
        let table = SessionTokenDerivations(capacity: 2)
        let tokens = (0..<3).map { _ in SessionToken.generate().token }
        #expect(table.derived(tokens[0]) == nil)
        table.remember(tokens[0], .init(tokens[0]))
        table.remember(tokens[1], .init(tokens[1]))
        #expect(table.derived(tokens[0]) == SessionTokenDerivations.Derived(tokens[0]))
        table.remember(tokens[1], .init(tokens[1]))  // already there: nothing is dropped
        #expect(table.count == 2)
        table.remember(tokens[2], .init(tokens[2]))
        #expect(table.count == 1)
        #expect(table.derived(tokens[0]) == nil && table.derived(tokens[2]) != nil)
    }

    @Test("through the portal: a made-up cookie is refused and not remembered; a real one is, and its session is still read on every request")
    func throughThePortal() throws {
        let f = try PortalFixture()
        let tokens = f.t.app.customerAuthenticator.tokens
        let madeUp = SessionToken.generate().token
        let refused = f.t.send(.get, "/api/portal/issues", host: PortalFixture.portalHost,
                               headers: [.cookie: "woes_portal_session=\(madeUp)"])
        #expect(refused.status == 401)
        #expect(tokens.derived(madeUp) == nil)

        let token = try f.session("bob")
        let cookie: HTTPFields = [.cookie: "woes_portal_session=\(token)"]
        #expect(f.t.send(.get, "/api/portal/issues", host: PortalFixture.portalHost, headers: cookie).status == 200)
        #expect(tokens.derived(token) == SessionTokenDerivations.Derived(token))
        let page = f.t.send(.get, "/", host: PortalFixture.portalHost, headers: cookie)
        #expect(page.status == 200)
        #expect(page.text.contains("value=\"\(SessionToken.csrfToken(for: token))\""), "the page's forms carry the session's CSRF token")

        let (session, _) = try #require(try f.t.store.portalSession(tokenHash: SessionToken.hash(token), in: f.acme.id))
        try f.t.store.revokePortalSession(id: session.id, in: f.acme.id, at: f.t.clock.now())
        #expect(tokens.derived(token) != nil)
        #expect(f.t.send(.get, "/api/portal/issues", host: PortalFixture.portalHost, headers: cookie).status == 401,
                "a revoked session is refused though its token is remembered")
    }
}
