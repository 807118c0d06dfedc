import Dispatch
import GRDB

/// Group commit: small writes that arrive together share one transaction.
///
/// SQLite has one writer. Under load, customers' replies queue for it, and
/// each paid alone for BEGIN, COMMIT, the WAL frames of every page it touched
/// (a reply and the next one to the same issue touch the same pages), the
/// file locks, and every reader's page cache being invalidated by the commit.
/// Here the first caller to find no transaction running becomes the *leader*:
/// it runs everything queued by then — its own write included — in one
/// IMMEDIATE transaction, each write in a savepoint of its own, commits, and
/// wakes the others. The first caller that queued meanwhile leads the next
/// batch. Nobody's write is acknowledged before the COMMIT that contains it
/// returns, so durability is exactly that of a transaction per write.
///
/// A write that throws rolls back its own savepoint only; the others in its
/// batch still commit. If the COMMIT itself fails, every write of the batch
/// fails. Bodies must only touch the database: effects outside it would not
/// be undone by a rollback of the batch.
///
/// Bodies run on the writer connection through prepared statements of our
/// own (`RawSQLiteConnection`), and so do BEGIN, SAVEPOINT and COMMIT: GRDB
/// parsed each of those anew and converted every argument, about a fifth of
/// a reply's instructions.
final class SQLiteGroupCommit: Sendable {
    private let writer: DatabasePool
    private let queue = SpinningLock(Queue())
    /// Our statements on GRDB's writer connection; only touched inside its
    /// serialized `writeWithoutTransaction`.
    private let writerStatements = SpinningLock<RawSQLiteConnection?>(nil)

    private struct Queue {
        var waiting: [Ticket] = []
        var hasLeader = false
        var writes = 0
        var transactions = 0
    }

    /// One caller's write and how it ended; touched by the leader only while
    /// its caller sleeps, and by the caller only after the leader signals.
    private final class Ticket: @unchecked Sendable {
        /// The caller's body; dropped once run, before the caller is woken,
        /// as it only lives as long as the caller's `write` call.
        var run: ((RawSQLiteConnection) throws -> Void)?
        var failure: (any Error)?
        var leadsNext = false
        let wakeUp = DispatchSemaphore(value: 0)

        init(run: @escaping (RawSQLiteConnection) throws -> Void) {
            self.run = run
        }
    }

    /// Wraps a caller's sleep until its batch has committed.
    private let whileWaiting: @Sendable (_ sleep: () -> Void) -> Void

    init(writer: DatabasePool, whileWaiting: @escaping @Sendable (_ sleep: () -> Void) -> Void) {
        self.writer = writer
        self.whileWaiting = whileWaiting
    }

    /// Runs `body` in a transaction, possibly shared with other callers',
    /// and returns once that transaction has committed.
    func write<T>(_ body: (RawSQLiteConnection) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            var value: T?
            let ticket = Ticket { db in value = try body(db) }
            let leads = queue.withLock { queue in
                queue.waiting.append(ticket)
                guard !queue.hasLeader else { return false }
                queue.hasLeader = true
                return true
            }
            if leads {
                lead(as: ticket)
            } else {
                whileWaiting {
                    ticket.wakeUp.wait()
                    // Woken to lead the next batch: it does so before taking
                    // back anything `whileWaiting` lent, as every write queued
                    // behind it waits for it.
                    if ticket.leadsNext { lead(as: ticket) }
                }
            }
            if let failure = ticket.failure { throw failure }
            return value!
        }
    }

    /// Writes run so far and the transactions that carried them (for tests and diagnostics).
    var counts: (writes: Int, transactions: Int) {
        queue.withLock { ($0.writes, $0.transactions) }
    }

    /// Callers queued behind the running batch (for tests).
    var waitingCount: Int {
        queue.withLock { $0.waiting.count }
    }

    private func lead(as leader: Ticket) {
        let batch = queue.withLock { queue in
            let batch = queue.waiting
            queue.waiting.removeAll(keepingCapacity: true)
            queue.transactions += 1
            queue.writes += batch.count
            return batch
        }
        run(batch)
        for ticket in batch { ticket.run = nil }
        let next = queue.withLock { queue -> Ticket? in
            guard let first = queue.waiting.first else {
                queue.hasLeader = false
                return nil
            }
            return first
        }
        for ticket in batch where ticket !== leader { ticket.wakeUp.signal() }
        if let next {
            next.leadsNext = true
            next.wakeUp.signal()
        }
    }

    private func run(_ batch: [Ticket]) {
        do {
            try writer.writeWithoutTransaction { db in
                guard let handle = db.sqliteConnection else { throw StoreError.unavailable("the database is closed") }
                let connection = writerStatements.withLock { statements in
                    if statements == nil { statements = RawSQLiteConnection(borrowing: handle) }
                    return statements!
                }
                try connection.execute("BEGIN IMMEDIATE")
                do {
                    if batch.count == 1 {
                        // Alone: no savepoint needed, a failure rolls back the transaction.
                        try batch[0].run?(connection)
                    } else {
                        for ticket in batch {
                            try connection.execute("SAVEPOINT batched_write")
                            do {
                                try ticket.run?(connection)
                            } catch {
                                ticket.failure = error
                                try connection.execute("ROLLBACK TO batched_write")
                            }
                            try connection.execute("RELEASE batched_write")
                        }
                    }
                    try connection.execute("COMMIT")
                } catch {
                    // Still open when a statement or the COMMIT itself failed.
                    if connection.isInsideTransaction { try? connection.execute("ROLLBACK") }
                    throw error
                }
            }
        } catch {
            for ticket in batch where ticket.failure == nil { ticket.failure = error }
        }
    }

    /// Finalizes our statements on the writer connection; before it closes.
    func close() {
        writer.writeWithoutTransaction { _ in
            writerStatements.withLock { statements in
                statements?.close()
                statements = nil
            }
        }
    }
}
