import HTTPTypes
import Testing
@testable import PortalKit

@Suite("Customers reply, edit what they may, and open issues through forms")
struct PortalWriteTests {
    @Test("a reply is stored as the customer's and moves waiting-on-customer to waiting-on-team")
    func reply() throws {
        let f = try PortalFixture()
        let ref = f.refs["bob1"]!
        var update = IssueUpdate()
        update.status = .set("waiting_on_customer")
        _ = try f.t.store.updateIssue(id: try #require(try f.t.store.issue(ref: IssueRef(ref)!, in: f.acme.id)).id, update,
                                      in: f.acme.id, at: f.t.clock.now())
        let reply = f.portal(.post, "/api/portal/issues/\(ref)/messages", as: "bob", json: #"{"body":"Here are the logs"}"#)
        #expect(reply.status == 201)
        #expect(reply["role"] == "customer")
        #expect(reply["authorName"] == "Bob")
        let issue = try #require(try f.t.store.issue(ref: IssueRef(ref)!, in: f.acme.id))
        #expect(issue.status == "waiting_on_team")
        let again = f.portal(.post, "/api/portal/issues/\(ref)/messages", as: "bob", json: #"{"body":"One more"}"#)
        #expect(again.status == 201)
        #expect(try f.t.store.issue(ref: IssueRef(ref)!, in: f.acme.id)?.status == "waiting_on_team", "other statuses stay")
    }

    @Test("replies of 0 or more than 20 000 characters, or to a foreign issue, are refused", arguments: [
        #"{"body":""}"#, #"{"body":"   "}"#, #"{}"#, #"{"body":5}"#, "{\"body\":\"\(String(repeating: "x", count: 20_001))\"}",
        #"{"body":"ok","role":"support"}"#,
    ])
    func badReplies(_ body: String) throws {
        let f = try PortalFixture()
        #expect(f.portal(.post, "/api/portal/issues/\(f.refs["bob1"]!)/messages", as: "bob", json: body).status == 422)
        #expect(try f.t.store.messages(issue: try #require(try f.t.store.issue(ref: IssueRef(f.refs["bob1"]!)!, in: f.acme.id)).id,
                                       in: f.acme.id, page: PageRequest(limit: 10)).items.isEmpty)
    }

    @Test("a reply to an issue outside the customer's scope answers like a missing one and changes nothing", arguments: [
        ("bob", "dave1"), ("bob", "alice1"), ("alice", "erin1"), ("erin", "bob1"), ("zed", "bob1"), ("carol", "carol1"),
    ])
    func replyOutsideScope(_ customer: String, _ issueKey: String) throws {
        let f = try PortalFixture()
        let ref = IssueRef(f.refs[issueKey]!)!
        let before = try #require(try f.t.store.issue(ref: ref, in: f.acme.id))
        let reply = f.portal(.post, "/api/portal/issues/\(ref)/messages", as: customer, json: #"{"body":"Let me in"}"#)
        let missing = f.portal(.post, "/api/portal/issues/ISS-999999/messages", as: customer, json: #"{"body":"Let me in"}"#)
        #expect(reply.status == 404)
        #expect(reply.text == missing.text)
        let after = try #require(try f.t.store.issue(ref: ref, in: f.acme.id))
        #expect(after.updatedAt == before.updatedAt)
        #expect(after.status == before.status)
        #expect(try f.t.store.messages(issue: after.id, in: f.acme.id, page: PageRequest(limit: 10)).items.isEmpty)
    }

    @Test("only visible and editable fields can be changed; status, requester and tags never")
    func patch() throws {
        let f = try PortalFixture()
        let ref = f.refs["bob1"]!
        #expect(f.saveSettings { document in
            document["issueFields"] = [["key": "title", "visible": true, "editable": true],
                                       ["key": "status", "visible": true, "editable": false],
                                       ["key": "cf.environment", "visible": true, "editable": true],
                                       ["key": "cf.seats", "visible": false, "editable": false]]
        }.status == 200)
        let ok = f.portal(.patch, "/api/portal/issues/\(ref)", as: "bob", json: #"{"title":"Printer jams daily","cf.environment":"staging"}"#)
        #expect(ok.status == 200)
        #expect(ok["title"] == "Printer jams daily")
        for body in [#"{"status":"closed"}"#, #"{"cf.seats":4}"#, #"{"description":"x"}"#, #"{"requester":"x"}"#, #"{"tags":["a"]}"#,
                     #"{"cf.environment":"moon"}"#, #"{"title":""}"#, #"{}"#, #"{"notes":"x"}"#] {
            let reply = f.portal(.patch, "/api/portal/issues/\(ref)", as: "bob", json: body)
            #expect(reply.status == 422, "\(body)")
        }
        let issue = try #require(try f.t.store.issue(ref: IssueRef(ref)!, in: f.acme.id))
        #expect(issue.status == "open")
        #expect(issue.customFields["environment"] == "staging")
        #expect(f.portal(.patch, "/api/portal/issues/\(f.refs["alice1"]!)", as: "bob", json: #"{"title":"x"}"#).status == 404)
    }

    @Test("a form creates an issue with the customer as requester and the initial status")
    func createThroughForm() throws {
        let f = try PortalFixture()
        #expect(f.saveSettings { document in
            document["forms"] = [["key": "bug", "title": "Report a bug", "description": "", "enabled": true, "fields": [
                ["key": "title", "label": "Summary", "type": "text", "required": true],
                ["key": "description", "label": "Details", "type": "textarea", "required": false],
                ["key": "cf.environment", "label": "Environment", "type": "select", "required": true, "options": ["production", "staging"]],
                ["key": "cf.seats", "label": "Seats", "type": "number", "required": false],
            ]], ["key": "old", "title": "Old", "description": "", "enabled": false, "fields": [
                ["key": "title", "label": "Summary", "type": "text", "required": true],
            ]]]
        }.status == 200)
        let created = f.portal(.post, "/api/portal/issues", as: "bob", json: """
            {"formKey":"bug","fields":{"title":"Crash on save","description":"Every time","cf.environment":"staging","cf.seats":3}}
            """)
        #expect(created.status == 201)
        let ref = try #require(created["ref"]?.stringValue)
        let issue = try #require(try f.t.store.issue(ref: IssueRef(ref)!, in: f.acme.id))
        #expect(issue.requesterID == f.customers["bob"]!.id)
        #expect(issue.status == "new")
        #expect(issue.formKey == "bug")
        #expect(issue.customFields == ["environment": "staging", "seats": 3])
        let invalid = f.portal(.post, "/api/portal/issues", as: "bob", json: """
            {"formKey":"bug","fields":{"cf.environment":"moon","cf.seats":"many","cf.other":1}}
            """)
        #expect(invalid.status == 422)
        #expect(Set(invalid.fieldNames) == ["fields.title", "fields.cf.environment", "fields.cf.seats", "fields.cf.other"])
        #expect(f.portal(.post, "/api/portal/issues", as: "bob", json: #"{"formKey":"old","fields":{"title":"x"}}"#).status == 422)
        #expect(f.portal(.post, "/api/portal/issues", as: "bob", json: #"{"formKey":"nope","fields":{}}"#).status == 422)
        #expect(f.portal(.post, "/api/portal/issues", as: "carol", json: #"{"formKey":"bug","fields":{"title":"x","cf.environment":"staging"}}"#).status == 403)
        #expect(f.portal(.get, "/new/old", as: "bob").status == 404)
        #expect(f.portal(.get, "/new/bug", as: "bob").status == 200)
    }
}

@Suite("Portal sessions: cookies, expiry, refresh, CSRF, and the development header")
struct PortalSessionTests {
    @Test("a session cookie signs the customer in; a forged one is 401 and cleared; pages redirect to sign-in")
    func cookies() throws {
        let f = try PortalFixture()
        let token = try f.session("bob")
        #expect(f.t.send(.get, "/api/portal/me", host: PortalFixture.portalHost, headers: [.cookie: "woes_portal_session=\(token)"])["email"] == "bob@initech.test")
        let forged = f.t.send(.get, "/api/portal/me", host: PortalFixture.portalHost,
                              headers: [.cookie: "woes_portal_session=\(SessionToken.generate().token)"])
        #expect(forged.status == 401)
        #expect(forged.header("Set-Cookie")?.contains("Max-Age=0") == true)
        let page = f.t.send(.get, "/issues/ISS-1001?x=1", host: PortalFixture.portalHost, headers: [.cookie: "woes_portal_session=garbage"])
        #expect(page.status == 303)
        #expect(page.header("Location") == "/login?next=%2Fissues%2FISS-1001%3Fx%3D1")
        #expect(f.t.send(.get, "/api/portal/me", host: "globex.portal.localhost", headers: [.cookie: "woes_portal_session=\(token)"]).status == 401,
                "a session belongs to one workspace")
    }

    @Test("sessions expire after 8 idle hours and refresh last-seen at most once a minute")
    func expiry() throws {
        let f = try PortalFixture()
        let token = try f.session("bob")
        let cookie: HTTPFields = [.cookie: "woes_portal_session=\(token)"]
        func lastSeen() throws -> Timestamp { try f.t.store.portalSessions(customer: f.customers["bob"]!.id, in: f.acme.id, at: f.t.clock.now())[0].lastSeenAt }
        let created = try lastSeen()
        f.t.clock.advance(seconds: 30)
        #expect(f.t.send(.get, "/api/portal/me", host: PortalFixture.portalHost, headers: cookie).status == 200)
        #expect(try lastSeen() == created, "no write within the minute")
        f.t.clock.advance(seconds: 31)
        #expect(f.t.send(.get, "/api/portal/me", host: PortalFixture.portalHost, headers: cookie).status == 200)
        #expect(try lastSeen() == f.t.clock.now())
        f.t.clock.advance(seconds: 8 * 3600)
        #expect(f.t.send(.get, "/api/portal/me", host: PortalFixture.portalHost, headers: cookie).status == 401)
    }

    @Test("cookie writes need the CSRF token or a same-origin Origin")
    func csrf() throws {
        let f = try PortalFixture()
        let token = try f.session("bob")
        let csrf = SessionToken.csrfToken(for: token)
        let path = "/api/portal/issues/\(f.refs["bob1"]!)/messages"
        func post(_ headers: HTTPFields) -> Int {
            var fields = headers
            fields[.cookie] = "woes_portal_session=\(token)"
            return f.t.send(.post, path, host: PortalFixture.portalHost, json: #"{"body":"hi"}"#, headers: fields).status
        }
        #expect(post([:]) == 403)
        #expect(post([.origin: "https://evil.example"]) == 403)
        #expect(post([HTTPField.Name("X-CSRF-Token")!: "wrong"]) == 403)
        #expect(post([HTTPField.Name("X-CSRF-Token")!: csrf]) == 201)
        #expect(post([.origin: "https://acme.portal.localhost:8443"]) == 201)
        let formReply = f.t.send(.post, "/issues/\(f.refs["bob1"]!)/reply", host: PortalFixture.portalHost,
                                 headers: [.cookie: "woes_portal_session=\(token)", .contentType: "application/x-www-form-urlencoded",
                                           .origin: "https://acme.portal.localhost"])
        #expect(formReply.status == 403, "a form post needs its token even from the same origin")
    }

    @Test("the development header works outside production only")
    func developmentHeader() throws {
        var production = Configuration()
        production.environment = .production
        let f = try PortalFixture(configuration: production)
        #expect(f.portal(.get, "/api/portal/me", as: "bob").status == 401)
        let dev = try PortalFixture()
        #expect(dev.portal(.get, "/api/portal/me", as: "bob").status == 200)
    }

    @Test("logout revokes the session")
    func logout() throws {
        let f = try PortalFixture()
        let token = try f.session("bob")
        let headers: HTTPFields = [.cookie: "woes_portal_session=\(token)", HTTPField.Name("X-CSRF-Token")!: SessionToken.csrfToken(for: token)]
        let out = f.t.send(.post, "/api/portal/auth/logout", host: PortalFixture.portalHost, headers: headers)
        #expect(out.status == 204)
        #expect(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
        #expect(f.t.send(.get, "/api/portal/me", host: PortalFixture.portalHost, headers: headers).status == 401)
    }
}
