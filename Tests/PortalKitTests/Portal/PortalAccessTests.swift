import HTTPTypes
import Testing
@testable import PortalKit

@Suite("Access levels decide which issues a customer sees — in the query itself")
struct PortalAccessTests {
    @Test("admin: the company's issues; member and unset (default member): their own; another company and workspace: never")
    func matrix() throws {
        let f = try PortalFixture()
        #expect(f.refsVisible(to: "alice") == [f.refs["bob1"]!, f.refs["bob2"]!, f.refs["alice1"]!, f.refs["dave1"]!, f.refs["carol1"]!])
        #expect(f.refsVisible(to: "bob") == [f.refs["bob1"]!, f.refs["bob2"]!])
        #expect(f.refsVisible(to: "dave") == [f.refs["dave1"]!])
        #expect(f.refsVisible(to: "erin") == [f.refs["erin1"]!])
        #expect(f.refsVisible(to: "zed") == [f.refs["zed1"]!], "an admin without a company sees their own issues")
    }

    @Test("an issue outside the scope answers exactly like a missing one")
    func outsideScopeIs404() throws {
        let f = try PortalFixture()
        let missing = f.portal(.get, "/api/portal/issues/ISS-9999", as: "bob")
        for ref in [f.refs["alice1"]!, f.refs["erin1"]!, "ISS-0", "not-a-ref"] {
            let reply = f.portal(.get, "/api/portal/issues/\(ref)", as: "bob")
            #expect(reply.status == 404)
            #expect(reply.text == missing.text, "same body as a missing issue")
        }
        // Another workspace's portal does not know this customer at all.
        #expect(f.portal(.get, "/api/portal/issues/\(f.globexRef)", as: "bob", host: "globex.portal.localhost").status == 401)
        #expect(f.portal(.get, "/api/portal/issues/\(f.refs["bob1"]!)", as: "bob").status == 200)
        #expect(f.portal(.get, "/api/portal/issues/\(f.refs["bob1"]!)", as: "alice").status == 200)
    }

    @Test("none: no list (403), no issue (404), but the customer can still sign in and see who they are")
    func noAccess() throws {
        let f = try PortalFixture()
        #expect(f.portal(.get, "/api/portal/issues", as: "carol").status == 403)
        #expect(f.portal(.get, "/api/portal/issues/\(f.refs["carol1"]!)", as: "carol").status == 404)
        let me = f.portal(.get, "/api/portal/me", as: "carol")
        #expect(me["accessLevel"] == "none")
        #expect(f.portal(.get, "/", as: "carol").text.contains("You have no access to issues here"))
    }

    @Test("the workspace default applies to customers without their own level")
    func defaultAccess() throws {
        let f = try PortalFixture()
        #expect(f.saveSettings { $0["defaultAccess"] = "admin" }.status == 200)
        #expect(f.refsVisible(to: "dave").count == 5)
        #expect(f.saveSettings { $0["defaultAccess"] = "none" }.status == 200)
        #expect(f.portal(.get, "/api/portal/issues", as: "dave").status == 403)
    }

    @Test("search and status filters stay inside the scope")
    func filters() throws {
        let f = try PortalFixture()
        let search = f.portal(.get, "/api/portal/issues?q=export", as: "bob")
        #expect(search["issues"]?.arrayValue?.count == 1)
        #expect(f.portal(.get, "/api/portal/issues?q=sso", as: "bob")["issues"]?.arrayValue?.isEmpty == true)
        #expect(f.portal(.get, "/api/portal/issues?q=sso", as: "alice")["issues"]?.arrayValue?.count == 1)
        #expect(f.portal(.get, "/api/portal/issues?status=Open", as: "bob")["issues"]?.arrayValue?.count == 2)
        #expect(f.portal(.get, "/api/portal/issues?status=Closed", as: "bob")["issues"]?.arrayValue?.isEmpty == true)
        #expect(f.portal(.get, "/api/portal/issues?q=" + String(repeating: "x", count: 1000), as: "bob").status == 422)
    }

    @Test("a cursor walk returns each visible issue once; a cursor of another query is refused")
    func cursorWalk() throws {
        let f = try PortalFixture()
        var seen: [String] = []
        var path = "/api/portal/issues?limit=2"
        var cursor: String?
        for _ in 0..<10 {
            let page = f.portal(.get, path, as: "alice")
            seen += page["issues"]?.arrayValue?.compactMap { $0.objectValue?["ref"]?.stringValue } ?? []
            guard let next = page["nextCursor"]?.stringValue else { break }
            cursor = next
            path = "/api/portal/issues?limit=2&cursor=\(next)"
        }
        #expect(seen.count == 5)
        #expect(Set(seen).count == 5)
        #expect(f.portal(.get, "/api/portal/issues?q=printer&cursor=\(cursor!)", as: "alice").status == 422)
        #expect(f.portal(.get, "/api/portal/issues?cursor=\(cursor!)", as: "bob").status == 422, "bound to the customer")
    }

    @Test("an unknown portal host is a neutral 404; a disabled portal is unavailable")
    func hosts() throws {
        let f = try PortalFixture()
        let unknown = f.portal(.get, "/", as: nil, host: "nobody.portal.localhost")
        #expect(unknown.status == 404)
        #expect(!unknown.text.contains("acme"))
        #expect(f.saveSettings { $0["enabled"] = false }.status == 200)
        let page = f.portal(.get, "/", as: "bob")
        #expect(page.status == 404)
        #expect(page.text.contains("This support portal is unavailable"))
        let json = f.portal(.get, "/api/portal/issues", as: "bob")
        #expect(json.status == 404)
        #expect(json.errorCode == "not_found")
        #expect(f.portal(.get, "/login", as: nil).text.contains("unavailable"))
    }
}
