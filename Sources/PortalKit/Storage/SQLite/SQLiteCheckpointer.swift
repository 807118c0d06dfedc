#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log back into the database file from a thread of
/// its own, so requests never pay for it.
///
/// By default SQLite checkpoints inside the COMMIT that crosses 1 000 WAL
/// pages: one customer's reply in a few hundred then waits for a thousand
/// page writes and an fsync. Here the writer's automatic checkpoint is raised
/// to a backstop (`backstopPages`, in case this thread stalls) and a PASSIVE
/// checkpoint runs every `interval` on a separate connection. PASSIVE never
/// waits for readers or the writer; commits stay exactly as durable as before
/// (each is in the WAL before COMMIT returns).
final class SQLiteCheckpointer: Sendable {
    static let backstopPages = 10_000

    private let path: String
    private let interval: Double
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let report: @Sendable (String) -> Void

    /// `report` hears when checkpoints start failing (once, not every
    /// interval) and when they work again.
    init(path: String, interval: Double, report: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.interval = interval
        self.report = report
    }

    func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "sqlite-checkpoint"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Stops the thread after its current checkpoint.
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        finished.wait()
    }

    private func run() {
        defer { finished.signal() }
        var db: OpaquePointer?
        let opened = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard opened == SQLITE_OK, let db else {
            report("background checkpoints not started: cannot open the database (SQLite code \(opened)); the writer's backstop checkpoint still runs")
            sqlite3_close_v2(db)
            return
        }
        defer { sqlite3_close_v2(db) }
        sqlite3_busy_timeout(db, 0)
        sqlite3_exec(db, "PRAGMA synchronous = NORMAL", nil, nil, nil)
        // A connection attaches to the WAL on its first read; before that a
        // checkpoint has no log to copy.
        sqlite3_exec(db, "SELECT 1 FROM sqlite_master LIMIT 1", nil, nil, nil)
        var failing = false
        while !stopping.load(ordering: .acquiring) {
            usleep(UInt32(interval * 1_000_000))
            var walPages: Int32 = 0
            var copiedPages: Int32 = 0
            let result = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &walPages, &copiedPages)
            // BUSY: another checkpoint (the writer's backstop) is running; not a failure.
            let failed = result != SQLITE_OK && result != SQLITE_BUSY
            if failed && !failing {
                report("background checkpoint failed: \(String(cString: sqlite3_errstr(result))) (SQLite code \(result)); retrying every \(interval) s")
            } else if !failed && failing {
                report("background checkpoints work again")
            }
            failing = failed
        }
    }
}
