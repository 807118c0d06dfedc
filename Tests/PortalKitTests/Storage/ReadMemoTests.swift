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

    // MARK: Customers' answers

    private func key(customer: Int64 = 1, _ question: String = "page 1") -> SnapshotAnswerKey {
        SnapshotAnswerKey(workspace: WorkspaceID(1), customer: CustomerID(customer), question: question)
    }

    @Test("an answer is kept for its customer and question at one version, and dropped with the version")
    func keepsAnswersWithinAVersion() throws {
        let memo = SQLiteReadMemo(answerBytes: 4096)
        memo.begin(dataVersion: 7)
        guard case .missing(let ticket?) = memo.keptAnswer(key()) else { Issue.record("expected a ticket"); return }
        memo.keep(answer([1, 2, 3]), for: key(), ticket: ticket)
        guard case .kept(let kept) = memo.keptAnswer(key()) else { Issue.record("expected the answer"); return }
        #expect((kept as? Response)?.body == [1, 2, 3])
        guard case .missing = memo.keptAnswer(key(customer: 2)) else { Issue.record("another customer's answer"); return }
        guard case .missing = memo.keptAnswer(key("page 2")) else { Issue.record("another question's answer"); return }
        memo.end()
        memo.begin(dataVersion: 8)
        guard case .missing = memo.keptAnswer(key()) else { Issue.record("an answer of the old version"); return }
        #expect(memo.answers.count == 0)
    }

    @Test("an answer made in a transaction that has ended, or outside one, or not a 200, is not kept")
    func keepsOnlyAnswersOfTheOpenTransaction() throws {
        let memo = SQLiteReadMemo(answerBytes: 4096)
        guard case .missing(nil) = memo.keptAnswer(key()) else { Issue.record("no transaction: no ticket"); return }
        memo.begin(dataVersion: 7)
        guard case .missing(let ticket?) = memo.keptAnswer(key()) else { Issue.record("expected a ticket"); return }
        memo.end()
        memo.keep(answer([1]), for: key(), ticket: ticket)
        memo.begin(dataVersion: 7)
        memo.keep(answer([1]), for: key(), ticket: ticket)
        #expect(memo.answers.count == 0, "the write that ended the transaction may have changed what the answer read")
        memo.keep(Response(status: .notFound, body: [1]), for: key(), ticket: self.ticket(memo))
        #expect(memo.answers.count == 0)
    }

    private func answer(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, body: ResponseBody(bytes))
    }

    @Test("answers stay within the budget: none without one, none larger than a quarter of it, and a full table starts over")
    func boundedAnswers() throws {
        let none = SQLiteReadMemo()
        none.begin(dataVersion: 1)
        guard case .missing(nil) = none.keptAnswer(key()) else { Issue.record("no budget: no ticket"); return }

        // Sizes are the memory an answer holds: an array's capacity, not its count.
        let page = answer(Array(repeating: 0, count: 250)), small = answer([0])
        let large = answer(Array(repeating: 0, count: page.retainedByteCount + 64))
        #expect(page.retainedByteCount >= 250)
        let memo = SQLiteReadMemo(answerBytes: 4 * page.retainedByteCount)
        memo.begin(dataVersion: 1)
        memo.keep(large, for: key("large"), ticket: ticket(memo))
        #expect(memo.answers.count == 0)
        for index in 0..<4 { memo.keep(page, for: key("page \(index)"), ticket: ticket(memo)) }
        #expect(memo.answers.count == 4)
        #expect(memo.answers.byteCount == 4 * page.retainedByteCount)
        memo.keep(small, for: key("one more"), ticket: ticket(memo))
        #expect(memo.answers.count == 1)
        #expect(memo.answers.byteCount == small.retainedByteCount)
    }

    private func ticket(_ memo: SQLiteReadMemo) -> UInt64 {
        if case .missing(let ticket?) = memo.keptAnswer(key("no such question")) { return ticket }
        Issue.record("expected a ticket")
        return 0
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

    /// Writes an answer through the store inside a request's snapshot,
    /// counting how often it was written.
    private final class Answers {
        var written = 0

        func ask(_ store: SQLiteStore, _ key: SnapshotAnswerKey, snapshot: Bool = true) throws -> ResponseBody {
            let ask = { () throws -> ResponseBody in
                try store.snapshotAnswer(key) {
                    self.written += 1
                    return Response(status: .ok, body: ResponseBody(Array((try store.workspace(id: key.workspace)?.name ?? "?").utf8)))
                }.body
            }
            return snapshot ? try store.withReadSnapshot(ask) : try ask()
        }
    }

    @Test("the store hands back a customer's answer until anything is committed, by itself or another program")
    func storeKeepsAnswersUntilACommit() throws {
        let t = try fixture()
        let answers = Answers()
        let key = SnapshotAnswerKey(workspace: t.workspace.id, customer: t.customer.id, question: "name")
        // A request reads its host first, as the portal does; the answer then comes from the same transaction.
        let ask = { () throws -> String in
            try t.store.withReadSnapshot {
                _ = try t.store.workspaceRevision(slug: t.workspace.slug)
                return String(decoding: try answers.ask(t.store, key, snapshot: false), as: UTF8.self)
            }
        }
        #expect(try ask() == "Acme")
        #expect(try ask() == "Acme")
        #expect(answers.written == 1)
        try t.store.revokePortalSession(id: t.session.id, in: t.workspace.id, at: now)
        #expect(try ask() == "Acme")
        #expect(answers.written == 2, "this process committed: written again")
        let other = try DatabaseQueue(path: t.store.path)
        try other.write { db in try db.execute(sql: "UPDATE workspace SET name = 'Acme Inc' WHERE id = ?", arguments: [t.workspace.id.rawValue]) }
        #expect(try ask() == "Acme Inc")
        #expect(answers.written == 3, "another program committed: written again")

        let otherCustomer = SnapshotAnswerKey(workspace: t.workspace.id, customer: CustomerID(t.customer.id.rawValue + 1), question: "name")
        _ = try answers.ask(t.store, otherCustomer)
        #expect(answers.written == 4, "another customer's answer is their own")
        _ = try answers.ask(t.store, key, snapshot: false)
        _ = try answers.ask(t.store, key, snapshot: false)
        #expect(answers.written == 6, "outside a snapshot, every answer is written")
    }

    @Test("after a write of the request's own thread, nothing is kept or given: what it read first may be another state")
    func noAnswerAcrossTheRequestsOwnWrite() throws {
        let t = try fixture()
        let answers = Answers()
        let key = SnapshotAnswerKey(workspace: t.workspace.id, customer: t.customer.id, question: "access")
        // The answer is made of what the request read first (as a page is made
        // of its principal), not only of what `write` reads itself.
        func ask(touching: Bool, change: (() throws -> Void)? = nil) throws -> String {
            try t.store.withReadSnapshot {
                let principal = try #require(try t.store.portalSession(tokenHash: t.tokenHash, in: t.workspace.id)).1
                try change?()
                if touching { try t.store.touchPortalSession(id: t.session.id, in: t.workspace.id, at: now) }
                return String(decoding: try t.store.snapshotAnswer(key) {
                    answers.written += 1
                    return Response(status: .ok, body: ResponseBody(Array((principal.portalAccess?.rawValue ?? "default").utf8)))
                }.body, as: UTF8.self)
            }
        }
        #expect(try ask(touching: false) == "default")
        #expect(try ask(touching: false) == "default")
        #expect(answers.written == 1)
        // Another program changes the customer's level while this request
        // holds the old principal; the request's own write (a session touch)
        // then lets `write` run at the new state.
        let other = try DatabaseQueue(path: t.store.path)
        #expect(try ask(touching: true) {
            try other.write { db in
                try db.execute(sql: "UPDATE customer SET portal_access = 'admin' WHERE id = ?", arguments: [t.customer.id.rawValue])
            }
        } == "default", "made of what this request read first")
        #expect(answers.written == 2, "after the touch, the kept answer is not given")
        #expect(try ask(touching: false) == "admin", "and the one made after the touch was not kept")
        #expect(answers.written == 3)
        #expect(try ask(touching: false) == "admin")
        #expect(answers.written == 3)
    }
}
