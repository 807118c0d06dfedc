import HTTPTypes
import GRDB
import Testing
@testable import PortalKit

/// A customer's issue list, and a session's list and issue pages, may be
/// handed back from the read connection's memo (`SnapshotAnswerStore`) while
/// nothing was committed. These tests ask the
/// same question again and again across changes: each answer must be the one
/// a fresh read would give, and only ever the asking customer's.
@Suite("A kept list or page is always the one a fresh read would give")
struct KeptAnswerTests {
    private func titles(_ f: PortalFixture, as name: String, query: String = "") -> [String] {
        let reply = f.portal(.get, "/api/portal/issues\(query)", as: name)
        return reply["issues"]?.arrayValue?.compactMap { $0.objectValue?["title"]?.stringValue } ?? []
    }

    @Test("the same question by two customers, alternately, gets each their own issues")
    func neverAnotherCustomersAnswer() throws {
        let f = try PortalFixture()
        for _ in 0..<3 {
            #expect(titles(f, as: "bob") == ["Export broken", "Printer jams"])
            #expect(titles(f, as: "alice") == ["Carol's issue", "Webhooks late", "SSO loop", "Export broken", "Printer jams"])
            #expect(titles(f, as: "erin") == ["Rate limits"])
        }
    }

    @Test("an operator's change through the API is in the very next list")
    func seesTheOperatorsChange() throws {
        let f = try PortalFixture()
        #expect(titles(f, as: "bob") == ["Export broken", "Printer jams"])
        f.t.clock.advance(seconds: 3600)  // after the fixture's issues: the patched one comes first
        let patched = f.t.send(.patch, "/api/v1/issues/\(f.refs["bob1"]!)", key: f.acmeKey, json: #"{"title":"Printer on fire"}"#)
        #expect(patched.status == 200)
        #expect(titles(f, as: "bob") == ["Printer on fire", "Export broken"])
    }

    @Test("another program's commit is in the very next list")
    func seesAnotherProgramsChange() throws {
        let f = try PortalFixture()
        #expect(titles(f, as: "bob", query: "?limit=1") == ["Export broken"])
        let other = try DatabaseQueue(path: f.t.store.path)
        try other.write { db in
            try db.execute(sql: "UPDATE issue SET title = 'Export fixed' WHERE workspace_id = ? AND title = 'Export broken'",
                           arguments: [f.acme.id.rawValue])
        }
        #expect(titles(f, as: "bob", query: "?limit=1") == ["Export fixed"])
    }

    @Test("a change of settings or of the customer's level is in the very next list")
    func seesAccessChanges() throws {
        let f = try PortalFixture()
        #expect(titles(f, as: "dave").count == 1)
        #expect(f.saveSettings { $0["defaultAccess"] = "admin" }.status == 200)
        #expect(titles(f, as: "dave").count == 5)
        #expect(f.saveSettings { $0["defaultAccess"] = "none" }.status == 200)
        #expect(f.portal(.get, "/api/portal/issues", as: "dave").status == 403)
    }

    @Test("the customer's own reply moves the issue to the top of the next list")
    func seesTheCustomersReply() throws {
        let f = try PortalFixture()
        #expect(titles(f, as: "bob") == ["Export broken", "Printer jams"])
        f.t.clock.advance(seconds: 3600)
        let reply = f.portal(.post, "/api/portal/issues/\(f.refs["bob1"]!)/messages", as: "bob", json: #"{"body":"Still jammed"}"#)
        #expect(reply.status == 201)
        #expect(titles(f, as: "bob") == ["Printer jams", "Export broken"])
    }

    // MARK: Pages of a signed-in customer

    private func page(_ f: PortalFixture, _ path: String, session token: String) -> TestApp.Reply {
        f.t.send(.get, path, host: PortalFixture.portalHost, headers: [.cookie: "woes_portal_session=\(token)"])
    }

    @Test("each session's pages carry its own CSRF token, and each customer's pages their own issues")
    func pagesAreTheSessionsOwn() throws {
        let f = try PortalFixture()
        let first = try f.session("bob"), second = try f.session("bob"), alice = try f.session("alice")
        for _ in 0..<2 {
            for token in [first, second] {
                let list = page(f, "/", session: token)
                #expect(list.status == 200)
                #expect(list.text.contains(SessionToken.csrfToken(for: token)))
                #expect(list.text.contains("Printer jams"))
                #expect(!list.text.contains("SSO loop"), "alice's issue")
            }
            #expect(page(f, "/", session: alice).text.contains("SSO loop"))
        }
    }

    @Test("the list and issue pages show every change at once, and a 404 is never kept")
    func pagesSeeChanges() throws {
        let f = try PortalFixture()
        let token = try f.session("bob")
        let ref = f.refs["bob1"]!
        #expect(page(f, "/issues/\(ref)", session: token).text.contains("Printer jams"))
        #expect(page(f, "/", session: token).text.contains("Printer jams"))
        let patched = f.t.send(.patch, "/api/v1/issues/\(ref)", key: f.acmeKey, json: #"{"title":"Printer on fire"}"#)
        #expect(patched.status == 200)
        #expect(page(f, "/issues/\(ref)", session: token).text.contains("Printer on fire"))
        #expect(page(f, "/", session: token).text.contains("Printer on fire"))
        let other = try DatabaseQueue(path: f.t.store.path)
        try other.write { db in
            try db.execute(sql: "INSERT INTO message (workspace_id, issue_id, role, body, author_name, created_at) "
                           + "SELECT workspace_id, id, 'support', 'Fixed by the night shift', 'Sam', updated_at FROM issue WHERE title = ?",
                           arguments: ["Printer on fire"])
        }
        #expect(page(f, "/issues/\(ref)", session: token).text.contains("Fixed by the night shift"))
        #expect(page(f, "/issues/\(f.refs["alice1"]!)", session: token).status == 404)
        #expect(page(f, "/issues/\(f.refs["alice1"]!)", session: token).status == 404)
    }

    @Test("a signed-out session gets the sign-in redirect, not its kept page")
    func signedOutSessionGetsNoPage() throws {
        let f = try PortalFixture()
        let token = try f.session("bob")
        #expect(page(f, "/", session: token).status == 200)
        let out = f.t.send(.post, "/logout", host: PortalFixture.portalHost,
                           headers: [.cookie: "woes_portal_session=\(token)", .contentType: "application/x-www-form-urlencoded"],
                           body: "_csrf=\(SessionToken.csrfToken(for: token))")
        #expect(out.status == 303)
        #expect(page(f, "/", session: token).status == 303)
    }

    @Test("a session that expired with nothing committed since gets no kept page or list: the session is checked first")
    func expiredSessionGetsNothingKept() throws {
        let f = try PortalFixture()
        let token = try f.session("bob")
        let cookie: HTTPFields = [.cookie: "woes_portal_session=\(token)"]
        for _ in 0..<2 {
            #expect(page(f, "/", session: token).status == 200)
            #expect(f.t.send(.get, "/api/portal/issues", host: PortalFixture.portalHost, headers: cookie).status == 200)
        }
        f.t.clock.advance(seconds: SessionPolicy().idleTimeoutSeconds + 1)
        #expect(page(f, "/", session: token).status == 303)
        #expect(f.t.send(.get, "/api/portal/issues", host: PortalFixture.portalHost, headers: cookie).status == 401)
    }
}
