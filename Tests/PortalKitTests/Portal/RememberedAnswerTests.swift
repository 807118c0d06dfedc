import GRDB
import Testing
@testable import PortalKit

/// A customer's issue list may be handed back from the read connection's memo
/// (`SnapshotAnswerStore`) while nothing was committed. These tests ask the
/// same question again and again across changes: each answer must be the one
/// a fresh read would give, and only ever the asking customer's.
@Suite("A remembered issue list is always the one a fresh read would give")
struct RememberedAnswerTests {
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
}
