import Foundation
import GRDB
import Synchronization
import Testing
@testable import PortalKit

@Suite("Group commit: writes that arrive together share one transaction, and each is acknowledged only after its COMMIT")
struct GroupCommitTests {
    struct Refused: Error {}

    /// Runs `first` as a batched write that holds the writer until `queued`
    /// other writes wait behind it, then runs `others` concurrently. Returns
    /// each write's outcome, `first` last.
    func batch(_ store: SQLiteStore, queued others: [@Sendable (RawSQLiteConnection) throws -> Void],
               first: @escaping @Sendable (RawSQLiteConnection) throws -> Void) -> [Result<Void, StoreError>] {
        let outcomes = Mutex<[Int: Result<Void, StoreError>]>([:])
        let firstIsRunning = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        let groupCommit = store.groupCommit
        let count = others.count
        Thread.detachNewThread {
            group.enter()
            let outcome = Result { () throws(StoreError) in
                try store.batchedWrite { connection in
                    try first(connection)
                    firstIsRunning.signal()
                    let deadline = Date().addingTimeInterval(10)
                    while groupCommit.waitingCount < count, Date() < deadline { usleep(1_000) }
                }
            }
            outcomes.withLock { $0[count] = outcome }
            group.leave()
        }
        firstIsRunning.wait()
        for (index, write) in others.enumerated() {
            group.enter()
            Thread.detachNewThread {
                let outcome = Result { () throws(StoreError) in try store.batchedWrite { connection in try write(connection) } }
                outcomes.withLock { $0[index] = outcome }
                group.leave()
            }
        }
        group.wait()
        return outcomes.withLock { outcomes in (0...count).map { outcomes[$0]! } }
    }

    func insertCompany(_ name: String, in workspace: Workspace) -> @Sendable (RawSQLiteConnection) throws -> Void {
        let id = workspace.id.rawValue
        return { connection in
            try connection.execute("INSERT INTO company (workspace_id, name, created_at, updated_at) VALUES (?, ?, 0, 0)",
                                   [.integer(id), .text(name)])
        }
    }

    func companyNames(_ store: SQLiteStore) throws -> Set<String> {
        try store.read { db in Set(try String.fetchAll(db, sql: "SELECT name FROM company")) }
    }

    @Test("writes queued behind a running batch all commit, together, in the next transaction")
    func sharedTransaction() throws {
        let store = try makeStore()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000))
        let outcomes = batch(store, queued: (1...7).map { insertCompany("c\($0)", in: workspace) },
                             first: insertCompany("first", in: workspace))
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
        #expect(try companyNames(store) == Set(["first"] + (1...7).map { "c\($0)" }))
        #expect(store.groupCommit.counts == (writes: 8, transactions: 2))
    }

    @Test("a write queued behind the running transaction sleeps inside whileWaitingForWriter (the worker lends its response slot there); a write that finds the writer free does not")
    func waitingHook() throws {
        let sleeps = Atomic<Int>(0)
        let sleeping = Atomic<Int>(0)
        let store = try makeStore(options: .init(whileWaitingForWriter: { sleep in
            sleeps.add(1, ordering: .relaxed)
            sleeping.add(1, ordering: .relaxed)
            sleep()
            sleeping.subtract(1, ordering: .relaxed)
        }))
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000))
        try store.batchedWrite { connection in try insertCompany("alone", in: workspace)(connection) }
        #expect(sleeps.load(ordering: .relaxed) == 0)
        let outcomes = batch(store, queued: (1...3).map { insertCompany("c\($0)", in: workspace) },
                             first: insertCompany("first", in: workspace))
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
        // The three queued writes slept (the first of them then led their batch); each woke before returning.
        #expect(sleeps.load(ordering: .relaxed) == 3)
        #expect(sleeping.load(ordering: .relaxed) == 0)
        #expect(try companyNames(store) == ["alone", "first", "c1", "c2", "c3"])
    }

    @Test("a write that throws rolls back alone; the others of its batch commit")
    func failureIsIsolated() throws {
        let store = try makeStore()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000))
        let failing = insertCompany("refused", in: workspace)
        let outcomes = batch(store, queued: [
            insertCompany("a", in: workspace),
            { db in
                try failing(db)
                throw Refused()
            },
            insertCompany("b", in: workspace),
        ], first: insertCompany("first", in: workspace))
        #expect((try? outcomes[0].get()) != nil)
        #expect((try? outcomes[1].get()) == nil)
        #expect((try? outcomes[2].get()) != nil)
        #expect(try companyNames(store) == ["first", "a", "b"])
        #expect(store.groupCommit.counts.transactions == 2)
    }

    @Test("when the shared COMMIT fails, every write of that batch fails and none of it is stored")
    func failedCommitFailsTheBatch() throws {
        let store = try makeStore()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000))
        // A deferred foreign key is checked at COMMIT, so this write passes its
        // own savepoint and then makes the whole transaction fail.
        let outcomes = batch(store, queued: [
            insertCompany("innocent", in: workspace),
            { connection in
                try connection.execute("PRAGMA defer_foreign_keys = ON")
                try connection.execute("INSERT INTO company (workspace_id, name, created_at, updated_at) VALUES (999999, 'dangling', 0, 0)")
            },
        ], first: insertCompany("first", in: workspace))
        #expect((try? outcomes[0].get()) == nil)
        #expect((try? outcomes[1].get()) == nil)
        #expect((try? outcomes[2].get()) != nil)
        #expect(try companyNames(store) == ["first"])
        // The writer is usable afterwards.
        try store.batchedWrite { connection in try insertCompany("after", in: workspace)(connection) }
        #expect(try companyNames(store) == ["first", "after"])
    }

    @Test("under contention from many threads, every write is committed exactly once and reports its own result")
    func contention() throws {
        let store = try makeStore()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000))
        let threads = 12, writesPerThread = 40
        let wrongResults = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<writesPerThread {
                let name = "t\(thread)-\(index)"
                do {
                    let id = try store.batchedWrite { connection -> Int64 in
                        if index % 10 == 3 { throw Refused() }
                        try insertCompany(name, in: workspace)(connection)
                        return connection.lastInsertedRowID
                    }
                    let stored = try store.read { db in try String.fetchOne(db, sql: "SELECT name FROM company WHERE id = ?", arguments: [id]) }
                    if stored != name { wrongResults.add(1, ordering: .relaxed) }
                } catch {
                    if index % 10 != 3 { wrongResults.add(1, ordering: .relaxed) }
                }
            }
        }
        #expect(wrongResults.load(ordering: .relaxed) == 0)
        let names = try companyNames(store)
        #expect(names.count == threads * writesPerThread * 9 / 10)
        #expect(!names.contains { $0.hasSuffix("-3") || $0.hasSuffix("-13") })
        #expect(store.groupCommit.counts.writes == threads * writesPerThread)
    }
}
