#if canImport(Glibc)
import Glibc
#endif
import GRDBSQLite

/// Read-only SQLite connections for the request hot path, on the C API.
///
/// GRDB's `DatabasePool.read` costs about 100 000 instructions per call
/// (dispatch queues, a deferred transaction, savepoint bookkeeping) — more
/// than the query itself. Requests instead borrow a connection of their own
/// for one call, run prepared statements it keeps (`SQLITE_PREPARE_PERSISTENT`),
/// and give it back. Outside a snapshot (below) each statement runs in
/// SQLite's own implicit read transaction; WAL lets them run beside the
/// writer. Writes and migrations stay on GRDB.
final class SQLiteReadConnections: Sendable {
    private let path: String
    /// Each connection's budget of customers' answers (see `SQLiteReadMemo`).
    private let answerBytes: Int
    private let idle = SpinningLock<[RawSQLiteConnection]>([])

    init(path: String, answerBytes: Int) {
        self.path = path
        self.answerBytes = answerBytes
    }

    func read<T>(_ body: (RawSQLiteConnection) throws -> T) throws(StoreError) -> T {
        // A read nested in another's body takes a connection of its own: the
        // outer one may be stepping a statement.
        if let snapshot = ReadSnapshot.current(of: self), !snapshot.isReading {
            let connection: RawSQLiteConnection
            if let held = snapshot.connection { connection = held } else { connection = try borrow() }
            snapshot.connection = connection
            if !connection.isInsideTransaction {
                try connection.execute("BEGIN")
                connection.memo.begin(dataVersion: try connection.dataVersion())
            }
            snapshot.isReading = true
            defer { snapshot.isReading = false }
            return try run(body, on: connection)
        }
        let connection = try borrow()
        defer { giveBack(connection) }
        return try run(body, on: connection)
    }

    /// Runs `body` with every `read` of this thread on one connection and in
    /// one read transaction, so they see one state of the database: a portal
    /// request's tenant, session and data cost one transaction instead of
    /// three (SQLite takes and drops a WAL read lock, two `fcntl` calls, for
    /// each). The transaction begins at the first read and ends at `endSnapshot`
    /// (the store calls it before each write of this thread, so the next read
    /// sees the write) or when `body` returns. Nested calls join the outer one.
    func withSnapshot<T>(_ body: () throws -> T) rethrows -> T {
        guard ReadSnapshot.current(of: self) == nil else { return try body() }
        let snapshot = ReadSnapshot(owner: self)
        let outer = ReadSnapshot.install(snapshot)
        defer {
            ReadSnapshot.restore(outer)
            if let connection = snapshot.connection {
                if Self.endTransaction(on: connection) { giveBack(connection) } else { connection.close() }
            }
        }
        return try body()
    }

    /// Ends this thread's snapshot transaction, if one is open; the next read
    /// begins a new one.
    func endSnapshot() {
        guard let snapshot = ReadSnapshot.current(of: self) else { return }
        snapshot.wasEnded = true
        guard let connection = snapshot.connection else { return }
        if !Self.endTransaction(on: connection) {
            snapshot.connection = nil
            connection.close()
        }
    }

    /// This thread is inside a snapshot that no write has ended: every read
    /// so far, and the next, see one state of the database.
    var isInUnbrokenSnapshot: Bool {
        guard let snapshot = ReadSnapshot.current(of: self) else { return false }
        return !snapshot.wasEnded
    }

    /// Ends a read transaction; false if the connection is still inside one
    /// and must not be reused (it would keep reading an old state forever).
    private static func endTransaction(on connection: RawSQLiteConnection) -> Bool {
        connection.memo.end()
        guard connection.isInsideTransaction else { return true }
        if (try? connection.execute("COMMIT")) == nil { try? connection.execute("ROLLBACK") }
        return !connection.isInsideTransaction
    }

    private func borrow() throws(StoreError) -> RawSQLiteConnection {
        if let reused = idle.withLock({ $0.popLast() }) { return reused }
        return try RawSQLiteConnection(readOnlyPath: path, answerBytes: answerBytes)
    }

    private func giveBack(_ connection: RawSQLiteConnection) {
        idle.withLock { $0.append(connection) }
    }

    private func run<T>(_ body: (RawSQLiteConnection) throws -> T, on connection: RawSQLiteConnection) throws(StoreError) -> T {
        do {
            return try body(connection)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.failure(String(describing: error))
        }
    }

    /// Closes the idle connections (the store is closing).
    func close() {
        idle.withLock { connections in
            connections.forEach { $0.close() }
            connections.removeAll()
        }
    }
}

/// One SQLite connection driven through the C API with its own prepared
/// statements (not GRDB's), used by one thread at a time.
final class RawSQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [StatementKey: OpaquePointer] = [:]
    /// False for a connection borrowed from GRDB (the writer): only the
    /// statements are ours to finalize.
    private let ownsHandle: Bool
    /// Answers of the per-request lookups, valid while the database is unchanged.
    let memo: SQLiteReadMemo

    /// Statements on a connection someone else opened and will close; call
    /// `close()` before they do.
    init(borrowing handle: OpaquePointer) {
        self.handle = handle
        ownsHandle = false
        memo = SQLiteReadMemo()
    }

    /// `answerBytes`: how much of customers' answers its memo may keep.
    init(readOnlyPath path: String, answerBytes: Int = 0) throws(StoreError) {
        memo = SQLiteReadMemo(answerBytes: answerBytes)
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw StoreError.unavailable(message)
        }
        handle = db
        ownsHandle = true
        sqlite3_busy_timeout(db, 5_000)
        // A small page cache per connection: the operating system caches the file.
        sqlite3_exec(db, "PRAGMA cache_size = -1024; PRAGMA query_only = 1; PRAGMA mmap_size = 0", nil, nil, nil)
    }

    deinit { if ownsHandle { close() } }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        if ownsHandle, let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs a cached statement that returns no rows (or whose rows are not wanted).
    func execute(_ sql: String, _ arguments: [SQLiteArgument] = []) throws(StoreError) {
        try query(sql, arguments) { _ in }
    }

    var lastInsertedRowID: Int64 { handle.map(sqlite3_last_insert_rowid) ?? 0 }

    /// `PRAGMA data_version`: moves whenever another connection commits. Read
    /// inside a transaction, it is the version that transaction reads (the
    /// statement itself starts the read, as the request's first query would).
    func dataVersion() throws(StoreError) -> Int64 {
        try first("PRAGMA data_version", []) { $0.int64(0) } ?? 0
    }

    /// Whether a transaction is open (SQLite's autocommit is off).
    var isInsideTransaction: Bool { handle.map { sqlite3_get_autocommit($0) == 0 } ?? false }

    /// Runs a cached statement with the arguments and calls `row` for each result row.
    func query(_ sql: String, _ arguments: [SQLiteArgument], row: (SQLiteRow) throws -> Void) throws(StoreError) {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, argument) in arguments.enumerated() {
            let position = Int32(index + 1)
            switch argument {
            case .integer(let value): sqlite3_bind_int64(statement, position, value)
            case .text(let value): sqlite3_bind_text(statement, position, value, -1, sqliteTransient)
            case .blob(let bytes):
                _ = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), sqliteTransient) }
            case .null: sqlite3_bind_null(statement, position)
            }
        }
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw error(status) }
            do {
                try row(SQLiteRow(statement: statement))
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError.failure(String(describing: error))
            }
        }
    }

    /// The first row only, decoded.
    func first<T>(_ sql: String, _ arguments: [SQLiteArgument], _ decode: (SQLiteRow) throws -> T) throws(StoreError) -> T? {
        var result: T?
        try query(sql, arguments) { row in
            if result == nil { result = try decode(row) }
        }
        return result
    }

    /// Every row; `expectedCount` (a LIMIT, say) sizes the array once instead of doubling it.
    func all<T>(_ sql: String, _ arguments: [SQLiteArgument], expectedCount: Int = 0,
                _ decode: (SQLiteRow) throws -> T) throws(StoreError) -> [T] {
        var result: [T] = []
        result.reserveCapacity(expectedCount)
        try query(sql, arguments) { result.append(try decode($0)) }
        return result
    }

    private func prepared(_ sql: String) throws(StoreError) -> OpaquePointer {
        if let statement = statements[StatementKey(sql: sql)] { return statement }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status) }
        statements[StatementKey(sql: sql)] = statement
        return statement
    }

    /// The statement cache's key: the SQL, hashed by its length and three of
    /// its eight-byte words (start, middle, end). Hashing all of a 400-byte
    /// query cost ~1 600 instructions on every call. Equality compares every
    /// byte (SQLite compiles bytes; String's == would equate differently
    /// normalized text), and the same literal compared with itself stops at
    /// its address.
    private struct StatementKey: Hashable {
        let sql: String

        static func == (lhs: StatementKey, rhs: StatementKey) -> Bool {
            var left = lhs.sql
            var right = rhs.sql
            return left.withUTF8 { left in
                right.withUTF8 { right in
                    guard left.count == right.count else { return false }
                    guard let a = left.baseAddress, let b = right.baseAddress, a != b else { return true }
                    return memcmp(a, b, left.count) == 0
                }
            }
        }

        func hash(into hasher: inout Hasher) {
            var sql = sql
            sql.withUTF8 { utf8 in
                hasher.combine(utf8.count)
                guard utf8.count >= 8, let base = UnsafeRawPointer(utf8.baseAddress) else {
                    hasher.combine(bytes: UnsafeRawBufferPointer(utf8))
                    return
                }
                hasher.combine(base.loadUnaligned(as: UInt64.self))
                hasher.combine(base.loadUnaligned(fromByteOffset: utf8.count / 2 - 4, as: UInt64.self))
                hasher.combine(base.loadUnaligned(fromByteOffset: utf8.count - 8, as: UInt64.self))
            }
        }
    }

    private func error(_ status: Int32) -> StoreError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite error \(status)"
        switch status & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN: return .unavailable(message)
        default: return .failure(message)
        }
    }
}

enum SQLiteArgument {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null
}

/// The current row of a statement; valid only inside the `row` callback.
struct SQLiteRow {
    let statement: OpaquePointer

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// A text column's bytes as stored, not decoded nor copied; nil for NULL.
    /// They are SQLite's until the statement steps on: `body` must not keep them.
    func withTextBytes<Result>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        return body(UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, column))))
    }
}

/// SQLite copies the bound value (the Swift string may move).
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
