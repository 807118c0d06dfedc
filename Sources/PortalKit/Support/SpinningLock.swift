#if canImport(Glibc)
import Glibc
#endif

/// A lock for state touched briefly by every request (the idle read
/// connections, the tenant cache).
///
/// `Synchronization.Mutex` on Linux is a priority-inheritance futex: when two
/// request threads meet on it, the loser always sleeps in the kernel, and the
/// bench profile showed 9 % of the worker's time in its slow path. glibc's
/// adaptive mutex spins briefly first, which suits critical sections of a few
/// instructions on a few cores.
final class SpinningLock<State>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var state: State

    init(_ state: State) {
        self.state = state
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
