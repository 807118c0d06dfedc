#if canImport(Glibc)
import Glibc
#endif

/// The snapshot a thread is inside (`SQLiteReadConnections.withSnapshot`):
/// whose it is and the connection it holds once it has read. Found through a
/// thread-specific pointer, so the store's read methods need no extra argument.
final class ReadSnapshot {
    let owner: ObjectIdentifier
    var connection: RawSQLiteConnection?
    /// A read is running on `connection`.
    var isReading = false
    /// A write of this thread ended the snapshot's transaction
    /// (`endSnapshot`): reads before and after it may see two states.
    var wasEnded = false

    init(owner: SQLiteReadConnections) { self.owner = ObjectIdentifier(owner) }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// This thread's snapshot, if it belongs to `readers`. The pointer is not
    /// retained: `withSnapshot` holds the object for as long as it is set.
    static func current(of readers: SQLiteReadConnections) -> ReadSnapshot? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        let snapshot = Unmanaged<ReadSnapshot>.fromOpaque(pointer).takeUnretainedValue()
        return snapshot.owner == ObjectIdentifier(readers) ? snapshot : nil
    }

    /// Makes `snapshot` this thread's; returns the one it replaces (another
    /// store's), for `restore`.
    static func install(_ snapshot: ReadSnapshot) -> UnsafeMutableRawPointer? {
        let outer = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(snapshot).toOpaque())
        return outer
    }

    static func restore(_ outer: UnsafeMutableRawPointer?) {
        pthread_setspecific(key, outer)
    }
}
