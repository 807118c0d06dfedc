import HTTPTypes
import Crypto
import Foundation
import Testing
@testable import PortalKit

@Suite("Pages: branded, escaped, and protected")
struct PageTests {
    static let payloads = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"]

    @Test("text settings are stored as typed and always shown escaped")
    func escaping() throws {
        let f = try PortalFixture()
        for payload in Self.payloads {
            let saved = f.saveSettings { document in
                document["name"] = .string(payload)
                document["headerLinks"] = [["label": .string(payload), "url": "https://a.example/?q=x"]]
                document["issueStatusLabels"] = ["open": .string(String(payload.prefix(40)))]
            }
            #expect(saved.status == 200)
            #expect(saved["name"] == .string(payload))
            for page in [f.portal(.get, "/", as: "bob"), f.portal(.get, "/issues/\(f.refs["bob1"]!)", as: "bob"),
                         f.portal(.get, "/login", as: nil)] {
                #expect(!page.text.contains(payload), "raw payload in a page")
                #expect(!page.text.contains("<script>alert"))
                #expect(!page.text.contains("<img src=x"))
                #expect(page.text.contains("&lt;"), "escaped form present")
            }
        }
    }

    @Test("pages carry a CSP that allows the accent style by its hash, and nothing else inline")
    func csp() throws {
        let f = try PortalFixture()
        #expect(f.saveSettings { $0["accentColor"] = "#0f766e" }.status == 200)
        let page = f.portal(.get, "/", as: "bob")
        let policy = try #require(page.header("Content-Security-Policy"))
        #expect(policy.contains("script-src 'self';"))
        #expect(policy.contains("frame-ancestors 'none'"))
        #expect(!policy.contains("nonce-") && !policy.contains("unsafe-inline"))
        // The hash in the policy is the hash of the style element's text, exactly as the page holds it.
        let style = try #require(page.text.split(separator: "<style>").dropFirst().first?.split(separator: "</style>").first)
        #expect(style.hasPrefix(":root { --accent: #0f766e;"))
        let digest = Data(SHA256.hash(data: Array(style.utf8))).base64EncodedString()
        #expect(policy.contains("style-src 'self' 'sha256-\(digest)';"))
        #expect(page.text.components(separatedBy: "<style").count == 2, "one inline style")
        // The policy follows the brand: another accent, another hash.
        #expect(f.saveSettings { $0["accentColor"] = "#b91c1c" }.status == 200)
        let repainted = f.portal(.get, "/", as: "bob")
        let newPolicy = try #require(repainted.header("Content-Security-Policy"))
        #expect(newPolicy != policy)
        let newStyle = try #require(repainted.text.split(separator: "<style>").dropFirst().first?.split(separator: "</style>").first)
        #expect(newPolicy.contains("'sha256-\(Data(SHA256.hash(data: Array(newStyle.utf8))).base64EncodedString())'"))
    }

    @Test("operator pages allow no inline style at all")
    func operatorPagePolicy() throws {
        let f = try PortalFixture()
        let page = f.t.send(.get, "/login", host: "app.localhost")
        let policy = try #require(page.header("Content-Security-Policy"))
        #expect(policy.contains("style-src 'self';"))
    }

    @Test("a signed-out visitor is sent to sign in; form posts without the CSRF token are refused")
    func protection() throws {
        let f = try PortalFixture()
        let signedOut = f.portal(.get, "/new", as: nil)
        #expect(signedOut.status == 303)
        #expect(signedOut.header("Location") == "/login?next=%2Fnew")
        let token = try f.session("bob")
        let post = f.t.send(.post, "/issues/\(f.refs["bob1"]!)/reply", host: PortalFixture.portalHost,
                            headers: [.cookie: "woes_portal_session=\(token)", .contentType: "application/x-www-form-urlencoded"])
        #expect(post.status == 403)
    }

    @Test("a form post with errors comes back with the messages beside the fields and the input kept")
    func formErrors() throws {
        let f = try PortalFixture()
        let token = try f.session("bob")
        let csrf = SessionToken.csrfToken(for: token)
        let reply = f.t.send(.post, "/new/request", host: PortalFixture.portalHost,
                             headers: [.cookie: "woes_portal_session=\(token)", .contentType: "application/x-www-form-urlencoded"],
                             body: "_csrf=\(csrf)&title=&description=Kept+text+%3Cb%3E")
        #expect(reply.status == 422)
        #expect(reply.text.contains("is required"))
        #expect(reply.text.contains("Kept text &lt;b&gt;"))
        let ok = f.t.send(.post, "/new/request", host: PortalFixture.portalHost,
                          headers: [.cookie: "woes_portal_session=\(token)", .contentType: "application/x-www-form-urlencoded"],
                          body: "_csrf=\(csrf)&title=Help&description=Please")
        #expect(ok.status == 303)
        #expect(ok.header("Location")?.hasPrefix("/issues/ISS-") == true)
    }

    @Test("safe next: only local paths follow sign-in", arguments: [
        ("/issues/ISS-1", "/issues/ISS-1"), ("//evil.example", "/"), ("https://evil.example", "/"), ("/\\evil", "/"), (nil, "/"),
    ] as [(String?, String)])
    func safeNext(_ next: String?, _ expected: String) {
        #expect(PortalPages.safeNext(next) == expected)
    }
}

@Suite("The operator side: sign-in links, settings page, preview")
struct OperatorPagesTests {
    /// Signs in through a one-time link and returns the session cookie.
    func signIn(_ f: PortalFixture, role: OperatorRole = .owner) throws -> (cookie: String, csrf: String) {
        let account = try f.t.store.createOperator(
            NewOperator(email: EmailAddress("\(role.rawValue)-page@acme.test")!, name: "Page \(role.rawValue)", role: role),
            in: f.acme.id, at: f.t.clock.now())
        let link = try OperatorSignInLinks.create(for: account, store: f.t.store, at: f.t.clock.now())
        let confirm = f.t.send(.get, "/login/link?token=\(link)")
        #expect(confirm.status == 200)
        #expect(confirm.text.contains("Sign in as Page \(role.rawValue)"))
        let post = f.t.send(.post, "/login/link", headers: [.contentType: "application/x-www-form-urlencoded"], body: "token=\(link)")
        #expect(post.status == 303)
        #expect(f.t.send(.post, "/login/link", headers: [.contentType: "application/x-www-form-urlencoded"], body: "token=\(link)").status == 400,
                "a link works once")
        let setCookie = try #require(post.header("Set-Cookie"))
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("Secure") && setCookie.contains("SameSite=Lax"))
        #expect(!setCookie.contains("Domain="))
        let token = String(setCookie.dropFirst("woes_session=".count).prefix { $0 != ";" })
        return ("woes_session=\(token)", SessionToken.csrfToken(for: token))
    }

    @Test("the settings page saves a valid form and shows errors beside fields, keeping the input")
    func settingsPage() throws {
        let f = try PortalFixture()
        let (cookie, csrf) = try signIn(f)
        let page = f.t.send(.get, "/clients/portal/settings", headers: [.cookie: cookie])
        #expect(page.status == 200)
        #expect(page.text.contains("name=\"headerLinks[0].url\""))
        #expect(page.text.contains("name=\"issueStatusLabels[waiting_on_customer]\""))
        let base = "_csrf=\(csrf)&version=0&enabled=on&name=Acme+Desk&accentColor=%23123456&defaultAccess=member&auth.mode=otp"
            + "&issueFields%5Btitle%5D.visible=on"
        let saved = f.t.send(.post, "/clients/portal/settings", headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                             body: base + "&headerLinks%5B0%5D.label=Docs&headerLinks%5B0%5D.url=https%3A%2F%2Fdocs.example")
        #expect(saved.status == 303)
        #expect(f.t.send(.get, "/api/account/client-portal/settings", key: f.acmeKey)["name"] == "Acme Desk")
        let invalid = f.t.send(.post, "/clients/portal/settings", headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                               body: base.replacingOccurrences(of: "version=0", with: "version=1").replacingOccurrences(of: "Acme+Desk", with: "Kept+Name")
                                   + "&headerLinks%5B1%5D.label=Bad&headerLinks%5B1%5D.url=javascript%3Aalert(1)")
        #expect(invalid.status == 422)
        #expect(invalid.text.contains("must be an absolute http:// or https:// URL"))
        #expect(invalid.text.contains("value=\"Kept Name\""))
        #expect(invalid.text.contains("value=\"javascript:alert(1)\""))
        #expect(f.t.send(.get, "/api/account/client-portal/settings", key: f.acmeKey)["name"] == "Acme Desk", "nothing stored")
    }

    @Test("an operator with customers.read only sees the settings read-only and cannot save")
    func readOnlyOperator() throws {
        let f = try PortalFixture()
        let (cookie, csrf) = try signIn(f, role: .member)
        let page = f.t.send(.get, "/clients/portal/settings", headers: [.cookie: cookie])
        #expect(page.text.contains("You can view these settings but not change them"))
        #expect(!page.text.contains("Save settings"))
        let post = f.t.send(.post, "/clients/portal/settings", headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                            body: "_csrf=\(csrf)&name=x")
        #expect(post.status == 403)
    }

    @Test("the preview shows the customer's portal, read-only, with the banner")
    func preview() throws {
        let f = try PortalFixture()
        let (cookie, _) = try signIn(f)
        let bob = f.t.send(.get, "/clients/portal?customer=bob@initech.test", headers: [.cookie: cookie])
        #expect(bob.status == 200)
        #expect(bob.text.contains("viewing as <strong>Bob &lt;bob@initech.test&gt;</strong>"))
        #expect(bob.text.contains(f.refs["bob1"]!) && !bob.text.contains(f.refs["alice1"]!))
        let detail = f.t.send(.get, "/clients/portal?customer=bob@initech.test&issue=\(f.refs["bob1"]!)", headers: [.cookie: cookie])
        #expect(detail.text.contains("<textarea id=\"reply-body\" name=\"body\" rows=\"5\" maxlength=\"20000\" required disabled"))
        #expect(!detail.text.contains("<form method=\"post\" action=\"/issues/"), "no customer form can be posted from the preview")
        let json = f.t.send(.get, "/api/account/client-portal/preview?customer=alice@initech.test", key: f.acmeKey)
        #expect(Set(json["issues"]?.arrayValue?.compactMap { $0.objectValue?["ref"]?.stringValue } ?? []) == f.refsVisible(to: "alice"))
        let carol = f.t.send(.get, "/clients/portal?customer=carol@initech.test", headers: [.cookie: cookie])
        #expect(carol.text.contains("You have no access to issues here"))
        #expect(f.saveSettings { $0["enabled"] = false }.status == 200)
        let disabled = f.t.send(.get, "/clients/portal?customer=bob@initech.test", headers: [.cookie: cookie])
        #expect(disabled.text.contains("The portal is disabled"))
    }

    @Test("signed-out operators are sent to sign in")
    func signedOut() throws {
        let f = try PortalFixture()
        let page = f.t.send(.get, "/clients/portal/settings")
        #expect(page.status == 303)
        #expect(page.header("Location") == "/login?next=%2Fclients%2Fportal%2Fsettings")
        #expect(f.t.send(.get, "/api/account/client-portal/settings").status == 401)
    }
}
