#if canImport(Glibc)
import Glibc
#endif

/// At most `slots` holders at once, admitted strictly in arrival order.
///
/// A counting semaphore lets a thread that arrives just as a slot frees take
/// it ahead of threads already asleep in the queue; under load some requests
/// then wait many turns, which is where the slowest percentile came from.
/// Here a freed slot is handed to the oldest waiter directly, so nobody can
/// overtake it.
final class FairGate: @unchecked Sendable {
    /// A thread's own wake-up call; each serving thread keeps one for its life.
    final class Waiter: @unchecked Sendable {
        fileprivate let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

        init() { sem_init(semaphore, 0, 0) }

        deinit {
            sem_destroy(semaphore)
            semaphore.deallocate()
        }
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var available: Int
    /// Waiters in arrival order; `head` is the oldest. Capacity grows as needed.
    private var queue: [Waiter?]
    private var head = 0
    private var count = 0

    init(slots: Int) {
        available = slots
        queue = Array(repeating: nil, count: 64)
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

    /// Returns once the caller holds a slot.
    func enter(_ waiter: Waiter) {
        pthread_mutex_lock(mutex)
        if available > 0 && count == 0 {
            available -= 1
            pthread_mutex_unlock(mutex)
            return
        }
        if count == queue.count { grow() }
        queue[(head + count) % queue.count] = waiter
        count += 1
        pthread_mutex_unlock(mutex)
        while sem_wait(waiter.semaphore) != 0 && errno == EINTR {}
    }

    /// Gives the slot to the oldest waiter, or back to the gate.
    func leave() {
        pthread_mutex_lock(mutex)
        guard count > 0, let next = queue[head] else {
            available += 1
            pthread_mutex_unlock(mutex)
            return
        }
        queue[head] = nil
        head = (head + 1) % queue.count
        count -= 1
        pthread_mutex_unlock(mutex)
        sem_post(next.semaphore)
    }

    /// Threads waiting for a slot (for tests).
    var waitingCount: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return count
    }

    private func grow() {
        var larger: [Waiter?] = Array(repeating: nil, count: queue.count * 2)
        for index in 0..<count { larger[index] = queue[(head + index) % queue.count] }
        queue = larger
        head = 0
    }
}
