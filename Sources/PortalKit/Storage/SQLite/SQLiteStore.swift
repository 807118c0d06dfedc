import CSQLiteSettings
import Foundation
import GRDB

/// The SQLite implementation of `PortalStore`, on a GRDB `DatabasePool`: WAL
/// journal, one writer, a bounded set of readers shared by the worker threads.
public final class SQLiteStore: PortalStore {
    /// Request code writes through `write` and `batchedWrite` only: they end
    /// the thread's read snapshot (see `withReadSnapshot`), a direct write does not.
    let pool: DatabasePool
    /// Connections for the hot-path reads (see `SQLiteReadConnections`).
    let readers: SQLiteReadConnections
    /// Shared transactions for small hot writes (see `SQLiteGroupCommit`).
    let groupCommit: SQLiteGroupCommit
    public let path: String
    /// Set by `startBackgroundCheckpoints` (the worker); nil in short-lived tools.
    private let checkpointer = SpinningLock<SQLiteCheckpointer?>(nil)

    public struct Options: Sendable {
        /// Reader connections; each holds its own page cache, so more is not free.
        public var maximumReaders: Int
        /// How long a writer waits for the lock before giving up with `unavailable`.
        public var busyTimeoutSeconds: Double
        /// Bytes of customers' answers each read connection keeps while the
        /// database is unchanged (see `SnapshotAnswerStore`); 0 keeps none.
        public var answerBytesPerReader: Int

        /// Wraps the sleep of a write queued behind another caller's
        /// transaction (see `SQLiteGroupCommit`); the worker lends its
        /// response slot meanwhile. Must call its argument exactly once.
        public var whileWaitingForWriter: @Sendable (_ sleep: () -> Void) -> Void

        public init(maximumReaders: Int = 4, busyTimeoutSeconds: Double = 5, answerBytesPerReader: Int = 256 * 1024,
                    whileWaitingForWriter: @escaping @Sendable (_ sleep: () -> Void) -> Void = { sleep in sleep() }) {
            self.maximumReaders = maximumReaders
            self.busyTimeoutSeconds = busyTimeoutSeconds
            self.answerBytesPerReader = answerBytesPerReader
            self.whileWaitingForWriter = whileWaitingForWriter
        }
    }

    /// Opens (creating if needed) the database file. Migrations are separate:
    /// see `migrate()`.
    public init(path: String, options: Options = Options()) throws(StoreError) {
        _ = Self.memoryStatisticsAreOff
        self.path = path
        var config = GRDB.Configuration()
        config.label = "portal"
        config.maximumReaderCount = options.maximumReaders
        config.busyMode = .timeout(options.busyTimeoutSeconds)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // WAL + NORMAL: a commit survives a crash of the worker (the WAL is
            // written before COMMIT returns); only an OS crash can lose the last
            // transactions, never corrupt the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A small page cache per connection keeps the worker's memory bounded.
            try db.execute(sql: "PRAGMA cache_size = -4096")
        }
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError(error)
        }
        readers = SQLiteReadConnections(path: path, answerBytes: options.answerBytesPerReader)
        groupCommit = SQLiteGroupCommit(writer: pool, whileWaiting: options.whileWaitingForWriter)
    }

    /// Process-wide settings, applied once before the first connection opens
    /// (SQLite accepts them only then; in a process that used SQLite before,
    /// such as a test run, they are skipped and nothing else changes).
    ///
    /// Memory statistics take a global mutex on every allocation inside
    /// SQLite: ~110 per list request, contended by every worker thread. False
    /// when SQLite was used before the first store opened (the worker says so).
    public static let memoryStatisticsAreOff: Bool = csqlite_disable_memory_statistics() == 0  // SQLITE_OK

    public func checkHealth() throws(StoreError) {
        _ = try read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// For a long-running process: WAL checkpoints move off the request path
    /// to a thread of their own (see `SQLiteCheckpointer`).
    /// Starting them again while they run changes nothing.
    public func startBackgroundCheckpoints(every interval: Double = 0.2,
                                           report: @escaping @Sendable (String) -> Void = { _ in }) throws(StoreError) {
        guard checkpointer.withLock({ $0 }) == nil else { return }
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(SQLiteCheckpointer.backstopPages)")
            }
        } catch {
            throw StoreError(error)
        }
        let started = SQLiteCheckpointer(path: path, interval: interval, report: report)
        let isFirst = checkpointer.withLock { current in
            guard current == nil else { return false }
            current = started
            return true
        }
        if isFirst { started.start() }
    }

    public func close() throws(StoreError) {
        checkpointer.withLock { $0 }?.stop()
        groupCommit.close()
        readers.close()
        do { try pool.close() } catch { throw StoreError(error) }
    }

    // MARK: Transactions with typed errors

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw StoreError(error) }
    }

    /// One write transaction (IMMEDIATE); everything in `body` commits or nothing does.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        // The thread's read snapshot, if any, ends first: it must not hold back
        // checkpoints while the write waits, and the next read sees the write.
        readers.endSnapshot()
        do { return try pool.write(body) } catch { throw StoreError(error) }
    }

    public func withReadSnapshot<T>(_ body: () throws -> T) rethrows -> T {
        try readers.withSnapshot(body)
    }

    public func snapshotAnswer<Answer: SnapshotAnswer>(_ key: SnapshotAnswerKey, write: () throws -> Answer) throws -> Answer {
        // What the request read before (its principal) must be of the state
        // the kept answer is of: one transaction since the snapshot began.
        guard readers.isInUnbrokenSnapshot else { return try write() }
        // Two short reads around `write`, not one around it: a read nested in
        // another's body would take a connection outside the snapshot.
        let lookup = try readers.read { $0.memo.keptAnswer(key) }
        if case .kept(let kept) = lookup, let kept = kept as? Answer { return kept }
        let answer = try write()
        if case .missing(let ticket?) = lookup, readers.isInUnbrokenSnapshot {
            try readers.read { $0.memo.keep(answer, for: key, ticket: ticket) }
        }
        return answer
    }

    /// Batched writes so far and the transactions that carried them.
    public var groupCommitCounts: (writes: Int, transactions: Int) { groupCommit.counts }

    /// Like `write`, but the transaction may be shared with other callers'
    /// writes that arrive meanwhile (group commit); it returns after the
    /// COMMIT. For small, frequent writes whose body only touches the database.
    func batchedWrite<T>(_ body: (RawSQLiteConnection) throws -> T) throws(StoreError) -> T {
        readers.endSnapshot()
        do { return try groupCommit.write(body) } catch { throw StoreError(error) }
    }
}

extension StoreError {
    /// Maps GRDB and SQLite errors to the store's vocabulary.
    init(_ error: any Error) {
        if let storeError = error as? StoreError {
            self = storeError
            return
        }
        guard let databaseError = error as? DatabaseError else {
            self = .failure(String(describing: error))
            return
        }
        switch databaseError.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            self = .conflict(field: Self.apiField(fromUniqueMessage: databaseError.message ?? ""))
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            self = .invalidReference(field: "reference")
        default:
            switch databaseError.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_READONLY:
                self = .unavailable(databaseError.message ?? "\(databaseError.resultCode)")
            default:
                self = .failure(databaseError.description)
            }
        }
    }

    /// `UNIQUE constraint failed: customer.workspace_id, customer.email` → `email`.
    static func apiField(fromUniqueMessage message: String) -> String {
        guard let lastColumn = message.split(separator: ",").last?.split(separator: ".").last else { return "id" }
        switch lastColumn.trimmingCharacters(in: " ") {
        case "external_id": return "externalId"
        case "token_hash": return "key"
        case "number": return "ref"
        case let column: return column
        }
    }
}
