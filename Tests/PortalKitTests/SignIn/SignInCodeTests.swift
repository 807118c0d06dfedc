import Foundation
import HTTPTypes
import Testing
@testable import PortalKit

/// The rules of email codes, with a clock the tests move: lifetime, single
/// use, wrong tries, and the limits per email and per client address.
@Suite("Sign-in codes: lifetime, tries and rate limits")
struct SignInCodeTests {
    static let host = PortalFixture.portalHost

    /// Starts a sign-in and returns the code from the mail in the outbox (nil when no mail was written).
    static func start(_ f: PortalFixture, _ email: String, from address: String = "10.0.0.1") -> (TestApp.Reply, String?) {
        let before = (try? f.t.store.mailStatus(recent: 1).recent.first?.id) ?? nil
        let reply = f.t.send(.post, "/api/portal/auth/otp/start", host: host, json: #"{"email":"\#(email)"}"#, clientAddress: address)
        let mail = (try? f.t.store.mailStatus(recent: 1).recent.first) ?? nil
        guard let mail, mail.id != before else { return (reply, nil) }
        return (reply, mail.textBody.firstMatch(of: /\b(\d{6})\b/).map { String($0.1) })
    }

    static func verify(_ f: PortalFixture, _ email: String, _ code: String) -> TestApp.Reply {
        f.t.send(.post, "/api/portal/auth/otp/verify", host: host, json: #"{"email":"\#(email)","code":"\#(code)"}"#)
    }

    static func wrong(_ code: String, by offset: Int = 1) -> String {
        let value = (Int(code)! + offset) % 1_000_000
        return String(repeating: "0", count: 6 - String(value).count) + String(value)
    }

    @Test("a code is valid for ten minutes")
    func lifetime() throws {
        let f = try PortalFixture()
        let (_, early) = Self.start(f, f.email("bob"))
        f.t.clock.advance(seconds: 599)
        #expect(Self.verify(f, f.email("bob"), try #require(early)).status == 200)

        f.t.clock.advance(seconds: 61)
        let (_, late) = Self.start(f, f.email("bob"))
        f.t.clock.advance(seconds: 601)
        #expect(Self.verify(f, f.email("bob"), try #require(late)).status == 401)
    }

    @Test("a code works once, and a newer code replaces the older one")
    func singleUse() throws {
        let f = try PortalFixture()
        let (_, first) = Self.start(f, f.email("bob"))
        f.t.clock.advance(seconds: 61)
        let (_, second) = Self.start(f, f.email("bob"))
        #expect(Self.verify(f, f.email("bob"), try #require(first)).status == 401)
        #expect(Self.verify(f, f.email("bob"), try #require(second)).status == 200)
        #expect(Self.verify(f, f.email("bob"), try #require(second)).status == 401)
    }

    @Test("four wrong tries leave the code usable; the fifth burns it")
    func wrongTries() throws {
        let f = try PortalFixture()
        let (_, code) = Self.start(f, f.email("bob"))
        let right = try #require(code)
        for offset in 1...4 { #expect(Self.verify(f, f.email("bob"), Self.wrong(right, by: offset)).status == 401) }
        #expect(Self.verify(f, f.email("bob"), right).status == 200)

        f.t.clock.advance(seconds: 61)
        let (_, next) = Self.start(f, f.email("bob"))
        for offset in 1...5 { #expect(Self.verify(f, f.email("bob"), Self.wrong(try #require(next), by: offset)).status == 401) }
        #expect(Self.verify(f, f.email("bob"), try #require(next)).status == 401)
    }

    @Test("one code a minute per email, with Retry-After")
    func perMinute() throws {
        let f = try PortalFixture()
        #expect(Self.start(f, f.email("bob")).0.status == 202)
        f.t.clock.advance(seconds: 20)
        let limited = Self.start(f, f.email("bob")).0
        #expect(limited.status == 429)
        #expect(limited.errorCode == "rate_limited")
        #expect(limited.header("Retry-After") == "40")
        f.t.clock.advance(seconds: 40)
        #expect(Self.start(f, f.email("bob")).0.status == 202)
    }

    @Test("five codes an hour per email, whatever the address")
    func perHour() throws {
        let f = try PortalFixture()
        for index in 0..<5 {
            #expect(Self.start(f, f.email("bob"), from: "10.0.1.\(index)").0.status == 202)
            f.t.clock.advance(seconds: 61)
        }
        let limited = Self.start(f, f.email("bob"), from: "10.0.2.1").0
        #expect(limited.status == 429)
        // The oldest of the five leaves the window 3600 s after it was sent (5 × 61 s ago).
        #expect(limited.header("Retry-After") == String(3600 - 5 * 61))
        f.t.clock.advance(seconds: Int64(3600 - 5 * 61))
        #expect(Self.start(f, f.email("bob"), from: "10.0.2.1").0.status == 202)
    }

    @Test("thirty codes an hour per client address, known emails or not")
    func perAddress() throws {
        let f = try PortalFixture()
        for index in 0..<30 {
            #expect(Self.start(f, "someone\(index)@example.test", from: "10.9.9.9").0.status == 202)
        }
        #expect(Self.start(f, f.email("bob"), from: "10.9.9.9").0.status == 429)
        #expect(Self.start(f, f.email("bob"), from: "10.9.9.10").0.status == 202)
        f.t.clock.advance(seconds: 3601)
        #expect(Self.start(f, "later@example.test", from: "10.9.9.9").0.status == 202)
    }

    @Test("the answer is the same whether or not the email may sign in; only a customer with access gets mail")
    func uniformAnswer() throws {
        let f = try PortalFixture()
        let known = Self.start(f, f.email("bob"))
        let none = Self.start(f, f.email("carol"))
        let unknown = Self.start(f, "nobody@example.test")
        #expect(known.0.text == none.0.text && none.0.text == unknown.0.text)
        #expect(known.0.status == 202 && none.0.status == 202 && unknown.0.status == 202)
        #expect(known.1 != nil)
        #expect(none.1 == nil && unknown.1 == nil)
        // A verify for an unknown email looks exactly like a wrong code.
        let wrongCode = Self.verify(f, f.email("bob"), Self.wrong(known.1!))
        let unknownEmail = Self.verify(f, "nobody@example.test", known.1!)
        #expect(wrongCode.status == 401 && wrongCode.text == unknownEmail.text)
    }

    @Test("a one-click link works on its own portal only; elsewhere it is refused and not spent")
    func linkStaysOnItsPortal() throws {
        let f = try PortalFixture()
        _ = Self.start(f, f.email("bob"))
        let text = try #require(try f.t.store.mailStatus(recent: 1).recent.first).textBody
        let token = String(try #require(text.firstMatch(of: /token=([A-Za-z0-9_-]+)/)).1)
        let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        #expect(f.t.send(.get, "/auth/link?token=\(token)", host: "globex.portal.localhost").status == 400)
        #expect(f.t.send(.post, "/auth/link", host: "globex.portal.localhost", headers: form, body: "token=\(token)").status == 400)
        #expect(f.t.send(.get, "/login/code-link?token=\(token)").status == 400, "nor on the operators' app")
        let signedIn = f.t.send(.post, "/auth/link", host: Self.host, headers: form, body: "token=\(token)")
        #expect(signedIn.status == 303 && signedIn.header("Set-Cookie")?.hasPrefix("woes_portal_session=") == true)
    }

    @Test("only a hash of the code and of the link is stored")
    func hashedAtRest() throws {
        let f = try PortalFixture()
        let (_, code) = Self.start(f, f.email("bob"))
        let challenge = try #require(try f.t.store.liveChallenge(audience: .customer, workspace: f.acme.id,
                                                                 email: EmailAddress(f.email("bob"))!, at: f.t.clock.now()))
        #expect(challenge.codeHash != Array(try #require(code).utf8))
        #expect(challenge.codeHash == SignInCodes.hash(code: code!, salt: challenge.codeSalt))
        #expect(challenge.codeHash.count == 32 && challenge.codeSalt.count == 16)
    }

    @Test("signing in rotates the browser's previous session")
    func rotation() throws {
        let f = try PortalFixture()
        let old = try f.session("bob")
        let (_, code) = Self.start(f, f.email("bob"))
        let reply = f.t.send(.post, "/api/portal/auth/otp/verify", host: Self.host,
                             json: #"{"email":"\#(f.email("bob"))","code":"\#(code!)"}"#,
                             headers: [.cookie: "woes_portal_session=\(old)"])
        #expect(reply.status == 200)
        let stale = f.t.send(.get, "/api/portal/me", host: Self.host, headers: [.cookie: "woes_portal_session=\(old)"])
        #expect(stale.status == 401)
    }

    @Test("codes are six ASCII digits, nothing else", arguments: ["12345", "1234567", "abcdef", "12345a", "１２３４５６", " 12345", ""])
    func malformedCodes(code: String) throws {
        #expect(!SignInCodes.isWellFormed(code))
        let f = try PortalFixture()
        let reply = Self.verify(f, f.email("bob"), code)
        #expect(reply.status == 422)
        #expect(reply.fieldNames.contains("code"))
    }

    @Test("constant-time comparison gives the right answers")
    func constantTime() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(constantTimeEquals([], []))
    }
}
