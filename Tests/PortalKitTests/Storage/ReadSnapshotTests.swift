import Foundation
import Testing
@testable import PortalKit

/// A request's reads run inside `withReadSnapshot`: one state of the database
/// for the whole request, until the request itself writes.
@Suite("Store contract: a read snapshot sees one state until its own thread writes")
struct ReadSnapshotTests {
    private let now = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)

    private struct Fixture {
        let store: any PortalStore
        let workspace: Workspace
        let customer: Customer
        let issue: PortalKit.Issue

        /// The issue's title as a portal read sees it.
        func title() throws -> String? {
            try store.portalIssue(ref: issue.ref, scope: .requester(customer.id), detail: .summary, in: workspace.id)?.issue.title
        }

        func updatedAt() throws -> Timestamp? {
            try store.portalIssue(ref: issue.ref, scope: .requester(customer.id), detail: .summary, in: workspace.id)?.issue.updatedAt
        }

        func retitle(_ title: String, at now: Timestamp) throws {
            var update = IssueUpdate()
            update.title = .set(title)
            _ = try store.updateIssue(id: issue.id, update, in: workspace.id, at: now)
        }
    }

    private func fixture(_ kind: StoreKind) throws -> Fixture {
        let store = try kind.make()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: now)
        let customer = try store.createCustomer(NewCustomer(email: EmailAddress("a@x.test")!), in: workspace.id, at: now)
        let issue = try store.createIssue(NewIssue(title: "First", status: "new", requesterID: customer.id), in: workspace.id, at: now)
        return Fixture(store: store, workspace: workspace, customer: customer, issue: issue)
    }

    /// Runs `body` on another thread and waits for it.
    private func onAnotherThread(_ body: @escaping @Sendable () throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = LockedBox<(any Error)?>(nil)
        Thread {
            do { try body() } catch { failure.set(error) }
            done.signal()
        }.start()
        done.wait()
        if let error = failure.get() { throw error }
    }

    @Test("another thread's write is unseen inside the snapshot, and seen once it ends", arguments: StoreKind.allCases)
    func isolatesFromOtherWriters(_ kind: StoreKind) throws {
        let t = try fixture(kind)
        let later = now.adding(milliseconds: 1)
        try t.store.withReadSnapshot { () throws in
            #expect(try t.title() == "First")
            try onAnotherThread { try t.retitle("Second", at: later) }
            #expect(try t.title() == "First", "the snapshot still reads the state it began with")
            try t.store.withReadSnapshot { () throws in
                #expect(try t.title() == "First", "a nested snapshot joins the outer one")
            }
        }
        #expect(try t.title() == "Second", "after the snapshot, reads see the new state")
    }

    @Test("a snapshot left by an error is ended too: later reads see new writes", arguments: StoreKind.allCases)
    func endsOnError(_ kind: StoreKind) throws {
        struct Stop: Error {}
        let t = try fixture(kind)
        #expect(throws: Stop.self) {
            try t.store.withReadSnapshot { () throws in
                _ = try t.title()
                throw Stop()
            }
        }
        try onAnotherThread { try t.retitle("Second", at: now.adding(milliseconds: 1)) }
        #expect(try t.title() == "Second")
    }

    @Test("a customer's reply (a batched write) ends the snapshot like any write", arguments: StoreKind.allCases)
    func batchedWriteEndsIt(_ kind: StoreKind) throws {
        let t = try fixture(kind)
        let later = now.adding(seconds: 60)
        try t.store.withReadSnapshot { () throws in
            #expect(try t.updatedAt() == now)
            let reply = try t.store.addCustomerReply(NewMessage(role: .customer, body: "Thanks", authorName: "A"), issue: t.issue.ref,
                                                     scope: .requester(t.customer.id), moving: "waiting", to: "open",
                                                     in: t.workspace.id, at: later)
            #expect(reply != nil)
            #expect(try t.updatedAt() == later, "the reply touched the issue, and the read after it sees that")
        }
    }

    @Test("the thread's own write ends the snapshot: the next read sees it", arguments: StoreKind.allCases)
    func seesItsOwnWrites(_ kind: StoreKind) throws {
        let t = try fixture(kind)
        try t.store.withReadSnapshot { () throws in
            #expect(try t.title() == "First")
            try t.retitle("Mine", at: now.adding(milliseconds: 1))
            #expect(try t.title() == "Mine")
            try onAnotherThread { try t.retitle("Theirs", at: now.adding(milliseconds: 2)) }
            #expect(try t.title() == "Mine", "the read after the write began a new snapshot")
        }
    }
}

/// A value shared with another thread under a lock.
private final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func get() -> Value { lock.withLock { value } }
}
