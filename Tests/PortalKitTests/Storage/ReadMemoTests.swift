import Foundation
import GRDB
import Testing
@testable import PortalKit

/// A read connection remembers the host and session lookups only while the
/// database is unchanged: the next request after any commit — by this
/// process's writer or by another program — reads the rows again.
@Suite("The read memo answers a lookup again only at the same database version")
struct ReadMemoTests {
    private let now = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)

    // MARK: The memo itself

    /// Counts the reads a lookup falls back to.
    private final class Reads {
        var count = 0
        func read(_ answer: WorkspaceRevision?) -> WorkspaceRevision? {
            count += 1
            return answer
        }
    }

    private let revision = WorkspaceRevision(id: WorkspaceID(1), updatedAt: 5, settingsVersion: 2, customDomainRevision: 0)

    @Test("inside a transaction, a second lookup at the same version is answered without reading")
    func remembersWithinAVersion() throws {
        let memo = SQLiteReadMemo(), reads = Reads()
        memo.begin(dataVersion: 7)
        #expect(try memo.answer(memo.revisions, .slug("acme")) { reads.read(revision) } == revision)
        #expect(try memo.answer(memo.revisions, .slug("acme")) { reads.read(nil) } == revision)
        #expect(reads.count == 1)
        memo.end()
        memo.begin(dataVersion: 7)
        #expect(try memo.answer(memo.revisions, .slug("acme")) { reads.read(nil) } == revision,
                "a later transaction at the same version may answer too")
        #expect(reads.count == 1)
    }

    @Test("a new version drops every answer")
    func forgetsOnANewVersion() throws {
        let memo = SQLiteReadMemo(), reads = Reads()
        memo.begin(dataVersion: 7)
        _ = try memo.answer(memo.revisions, .slug("acme")) { reads.read(revision) }
        memo.end()
        memo.begin(dataVersion: 8)
        #expect(try memo.answer(memo.revisions, .slug("acme")) { reads.read(nil) } == nil, "read again, and now gone")
        #expect(reads.count == 2)
    }

    @Test("outside a transaction, and for lookups that found nothing, every lookup reads")
    func readsWhenItCannotKnow() throws {
        let memo = SQLiteReadMemo(), reads = Reads()
        _ = try memo.answer(memo.revisions, .slug("acme")) { reads.read(revision) }
        _ = try memo.answer(memo.revisions, .slug("acme")) { reads.read(revision) }
        #expect(reads.count == 2, "no version read: nothing is remembered")
        memo.begin(dataVersion: 1)
        _ = try memo.answer(memo.revisions, .slug("ghost")) { reads.read(nil) }
        _ = try memo.answer(memo.revisions, .slug("ghost")) { reads.read(nil) }
        #expect(reads.count == 4, "an unknown host is looked up each time")
        memo.end()
        _ = try memo.answer(memo.revisions, .slug("acme")) { reads.read(revision) }
        #expect(reads.count == 5, "after the transaction ended, the memo does not answer")
    }

    @Test("a full table starts over instead of growing")
    func boundedTables() throws {
        let memo = SQLiteReadMemo()
        memo.begin(dataVersion: 1)
        for index in 0...memo.revisions.capacity {
            _ = try memo.answer(memo.revisions, .slug("host\(index)")) { revision }
        }
        #expect(memo.revisions.count == 1)
    }

    // MARK: Through the store, on a real file

    private struct Fixture {
        let store: SQLiteStore
        let workspace: Workspace
        let customer: Customer
        let session: PortalSession
        let tokenHash: [UInt8]

        /// A request's lookups, as the portal makes them: host, then session.
        func lookUp() throws -> (WorkspaceRevision?, (PortalSession, Customer)?) {
            try store.withReadSnapshot {
                (try store.workspaceRevision(slug: workspace.slug), try store.portalSession(tokenHash: tokenHash, in: workspace.id))
            }
        }
    }

    private func fixture() throws -> Fixture {
        let store = try makeStore()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: now)
        let customer = try store.createCustomer(NewCustomer(email: EmailAddress("a@x.test")!), in: workspace.id, at: now)
        let tokenHash = SessionToken.generate().hash
        let session = try store.createPortalSession(
            NewSession(subject: customer.id, tokenHash: tokenHash, expiresAt: now.adding(milliseconds: 3_600_000)),
            in: workspace.id, at: now)
        return Fixture(store: store, workspace: workspace, customer: customer, session: session, tokenHash: tokenHash)
    }

    @Test("a session revoked through the store is seen revoked by the very next request")
    func seesThisProcessesWrites() throws {
        let t = try fixture()
        #expect(try t.lookUp().1?.0.revokedAt == nil)
        #expect(try t.lookUp().1?.0.revokedAt == nil)
        try t.store.revokePortalSession(id: t.session.id, in: t.workspace.id, at: now)
        #expect(try t.lookUp().1?.0.revokedAt == now)
    }

    @Test("changes made by another program (its own SQLite connection) are seen by the very next request")
    func seesOtherProgramsWrites() throws {
        let t = try fixture()
        let before = try t.lookUp()
        #expect(before.1?.1.name == nil)
        let other = try DatabaseQueue(path: t.store.path)
        try other.write { db in
            try db.execute(sql: "UPDATE customer SET name = 'Renamed' WHERE id = ?", arguments: [t.customer.id.rawValue])
            try db.execute(sql: "UPDATE workspace SET portal_settings_version = portal_settings_version + 1 WHERE id = ?",
                           arguments: [t.workspace.id.rawValue])
        }
        let after = try t.lookUp()
        #expect(after.1?.1.name == "Renamed")
        #expect(after.0?.settingsVersion == (before.0?.settingsVersion ?? -1) + 1)
        try other.write { db in
            try db.execute(sql: "DELETE FROM portal_session WHERE id = ?", arguments: [t.session.id])
        }
        #expect(try t.lookUp().1 == nil, "a deleted session is gone at once")
    }
}
