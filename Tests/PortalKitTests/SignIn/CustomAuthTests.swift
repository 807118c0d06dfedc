import Foundation
import HTTPTypes
import JWTKit
import Testing
@testable import PortalKit

/// Custom-auth tokens checked against the request's clock (here a manual one,
/// days away from the machine's), minted in the test with jwt-kit.
@Suite("Custom auth: signed tokens from the vendor's login")
struct CustomAuthTests {
    static let host = PortalFixture.portalHost
    static let audience = "https://\(host)"

    static func customMode(_ f: PortalFixture, publicKey: String? = nil, issuer: String? = nil) throws -> String {
        let saved = f.saveSettings { document in
            var auth: [String: JSONValue] = ["mode": "custom", "customAuthUrl": "https://login.vendor.example/sso"]
            if let publicKey { auth["publicKey"] = .string(publicKey) }
            if let issuer { auth["issuer"] = .string(issuer) }
            document["auth"] = .object(auth)
        }
        #expect(saved.status == 200, "\(saved.text)")
        let secret = f.t.send(.post, "/api/account/client-portal/auth/secret", key: f.acmeKey)
        #expect(secret.status == 200)
        return try #require(secret["secret"]?.stringValue)
    }

    static func claims(_ f: PortalFixture, email: String? = "new@vendor.test", issuedAt: Int64? = nil, lifetime: Int64 = 300,
                       audience: String = audience, jti: String? = UUID().uuidString) -> CustomAuthSignIn.Claims {
        let now = issuedAt ?? f.t.clock.now().millisecondsSinceEpoch / 1000
        return CustomAuthSignIn.Claims(
            exp: ExpirationClaim(value: Date(timeIntervalSince1970: Double(now + lifetime))),
            iat: IssuedAtClaim(value: Date(timeIntervalSince1970: Double(now))), nbf: nil,
            aud: AudienceClaim(value: audience), iss: nil, jti: jti.map { IDClaim(value: $0) }, email: email, name: "Nia New",
            company: "Vendor Co", account_external_id: nil)
    }

    static func hs256(_ claims: CustomAuthSignIn.Claims, secret: String) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return try await keys.sign(claims)
    }

    static func exchange(_ f: PortalFixture, _ token: String) -> TestApp.Reply {
        f.t.send(.get, "/auth/custom?token=\(token)", host: host)
    }

    static func rejections(_ f: PortalFixture) throws -> [String] {
        try f.t.store.auditEvents(in: f.acme.id, page: PageRequest(limit: 100, after: nil)).items
            .filter { $0.action == "auth.token_rejected" }
            .compactMap { $0.details.objectValue?["reason"]?.stringValue }
    }

    @Test("a good HS256 token signs in and provisions the customer; the same token again is a replay")
    func goodAndReplay() async throws {
        let f = try PortalFixture()
        let secret = try Self.customMode(f)
        let token = try await Self.hs256(Self.claims(f), secret: secret)
        let first = Self.exchange(f, token)
        #expect(first.status == 303)
        #expect(first.header("Set-Cookie")?.hasPrefix("woes_portal_session=") == true)
        let customer = try #require(try f.t.store.customer(email: EmailAddress("new@vendor.test")!, in: f.acme.id))
        #expect(customer.name == "Nia New" && customer.companyID != nil)
        #expect(Self.exchange(f, token).status == 401)
        #expect(try Self.rejections(f) == ["replay"])
    }

    @Test("expiry, lifetime and clock skew follow the request's clock")
    func timeRules() async throws {
        let f = try PortalFixture()
        let secret = try Self.customMode(f)
        let now = f.t.clock.now().millisecondsSinceEpoch / 1000
        let cases: [(issuedAt: Int64, lifetime: Int64, accepted: Bool)] = [
            (now - 330, 300, true),    // expired 30 s ago: inside the 60 s skew
            (now - 400, 300, false),   // expired 100 s ago
            (now + 50, 300, true),     // issued 50 s "in the future": skew
            (now + 120, 300, false),   // not yet valid
            (now, 600, true),          // exactly ten minutes
            (now, 601, false),         // longer than ten minutes
        ]
        for (index, item) in cases.enumerated() {
            let token = try await Self.hs256(Self.claims(f, email: "t\(index)@vendor.test", issuedAt: item.issuedAt,
                                                         lifetime: item.lifetime), secret: secret)
            #expect((Self.exchange(f, token).status == 303) == item.accepted, "case \(index)")
        }
        #expect(try Self.rejections(f).sorted() == ["expired", "lifetime", "not_yet_valid"])
    }

    @Test("a token made for another portal, or without a jti or email, is refused")
    func claimsRequired() async throws {
        let f = try PortalFixture()
        let secret = try Self.customMode(f)
        #expect(Self.exchange(f, try await Self.hs256(Self.claims(f, audience: "https://globex.portal.localhost"), secret: secret)).status == 401)
        #expect(Self.exchange(f, try await Self.hs256(Self.claims(f, jti: nil), secret: secret)).status == 401)
        #expect(Self.exchange(f, try await Self.hs256(Self.claims(f, email: nil), secret: secret)).status == 401)
        #expect(Self.exchange(f, try await Self.hs256(Self.claims(f, email: "a@b.test\r\nBcc: x@y.test"), secret: secret)).status == 401)
        #expect(try Self.rejections(f).sorted() == ["audience", "email", "email", "missing_claim"])
        #expect(try f.t.store.customer(email: EmailAddress("new@vendor.test")!, in: f.acme.id) == nil)
    }

    @Test("ES256 verifies with the configured key; an HS256 token then still needs the secret")
    func es256() async throws {
        let f = try PortalFixture()
        let key = ES256PrivateKey()
        let secret = try Self.customMode(f, publicKey: key.publicKey.pemRepresentation)
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key)
        #expect(Self.exchange(f, try await keys.sign(Self.claims(f, email: "ec@vendor.test"))).status == 303)
        let otherKeys = JWTKeyCollection()
        await otherKeys.add(ecdsa: ES256PrivateKey())
        #expect(Self.exchange(f, try await otherKeys.sign(Self.claims(f, email: "ec2@vendor.test"))).status == 401)
        // Signing HS256 with the public key text is not a way in.
        let forged = try await Self.hs256(Self.claims(f, email: "forged@vendor.test"), secret: key.publicKey.pemRepresentation)
        #expect(Self.exchange(f, forged).status == 401)
        #expect(Self.exchange(f, try await Self.hs256(Self.claims(f, email: "hs@vendor.test"), secret: secret)).status == 303)
    }

    @Test("an explicit none is never upgraded, and claims never touch the access level")
    func noneStaysNone() async throws {
        let f = try PortalFixture()
        let secret = try Self.customMode(f)
        let token = try await Self.hs256(Self.claims(f, email: f.email("carol")), secret: secret)
        #expect(Self.exchange(f, token).status == 303)
        #expect(try f.t.store.customer(email: EmailAddress(f.email("carol"))!, in: f.acme.id)?.portalAccess == AccessLevel.none)
    }

    @Test("return_to stays on this portal", arguments: [
        ("/issues/ISS-1", "/issues/ISS-1"), ("https://acme.portal.localhost/new", "/new"),
        ("https://evil.example/", nil), ("//evil.example", nil), ("https://acme.portal.localhost.evil.example/", nil),
        ("http://acme.portal.localhost/", nil), ("javascript:alert(1)", nil),
    ] as [(String, String?)])
    func returnTo(target: String, expected: String?) throws {
        let request = try Request(head: HTTPRequest(method: .get, scheme: "https", authority: Self.host, path: "/auth/custom"),
                                  body: [], clientAddress: "", id: "t")
        #expect(CustomAuthSignIn.samePortalPath(target, request: request) == expected)
    }

    @Test("alg none and oversized tokens are refused before any key is used")
    func noneAndSize() throws {
        let f = try PortalFixture()
        _ = try Self.customMode(f)
        let header = RandomToken.base64URL(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let body = RandomToken.base64URL(Array(#"{"email":"x@vendor.test","aud":"https://acme.portal.localhost"}"#.utf8))
        #expect(Self.exchange(f, "\(header).\(body).").status == 401)
        let huge = f.t.send(.post, "/auth/custom", host: Self.host,
                            headers: [.contentType: "application/x-www-form-urlencoded"],
                            body: "token=" + String(repeating: "a", count: 100_000))
        #expect(huge.status == 401)
        #expect(try Self.rejections(f) == ["format", "algorithm"])
    }
}
