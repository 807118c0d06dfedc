#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes whole lines to a file descriptor for many threads, gathering the
/// lines of up to `delay` into one `write(2)`.
///
/// A `write` per access line was a tenth of a settings read's throughput
/// (bench/run with the lines on and off). Here a request only appends its line
/// under a lock; a thread of the writer's own wakes when the first line of a
/// batch arrives, waits `delay` for more, and writes them all, in order. At
/// most `delay` (a millisecond, say) of lines is lost if the process dies at
/// once; `close()` writes what is pending, and the worker calls it on its way
/// out. Idle, the thread sleeps on a condition: no timer.
final class BatchedLineWriter: @unchecked Sendable {
    private let fileDescriptor: Int32
    private let delayMicroseconds: UInt32
    /// Above this many pending bytes a request writes the batch itself, so a
    /// blocked descriptor holds back requests instead of growing memory.
    private let maximumPendingBytes: Int

    private let state = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let linesArrived = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Held from taking a batch until it is written, so batches leave in order.
    private let writing = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var pending: [UInt8] = []
    private var stopping = false
    /// Signalled when the thread has left its loop.
    private let threadFinished = DispatchSemaphore(value: 0)

    init(fileDescriptor: Int32, delayMicroseconds: UInt32, maximumPendingBytes: Int = 256 * 1024) {
        self.fileDescriptor = fileDescriptor
        self.delayMicroseconds = delayMicroseconds
        self.maximumPendingBytes = maximumPendingBytes
        pthread_mutex_init(state, nil)
        pthread_mutex_init(writing, nil)
        pthread_cond_init(linesArrived, nil)
        pending.reserveCapacity(64 * 1024)
        let thread = Thread { [self] in self.run() }
        thread.name = "access-log"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    deinit {
        pthread_mutex_destroy(state)
        pthread_mutex_destroy(writing)
        pthread_cond_destroy(linesArrived)
        state.deallocate()
        writing.deallocate()
        linesArrived.deallocate()
    }

    /// Queues one line (newline included).
    func write(_ line: [UInt8]) {
        pthread_mutex_lock(state)
        if stopping {
            pthread_mutex_unlock(state)
            // After the batches, in order: `close` wrote them holding `writing`.
            pthread_mutex_lock(writing)
            LineLogHandler.writeLine(line, to: fileDescriptor)
            pthread_mutex_unlock(writing)
            return
        }
        let wasEmpty = pending.isEmpty
        pending.append(contentsOf: line)
        let overflowing = pending.count > maximumPendingBytes
        pthread_mutex_unlock(state)
        if wasEmpty { pthread_cond_signal(linesArrived) }
        if overflowing { flush() }
    }

    /// Writes every line queued so far before returning.
    func flush() {
        pthread_mutex_lock(writing)
        defer { pthread_mutex_unlock(writing) }
        Self.writeInPieces(takePending(), to: fileDescriptor)
    }

    /// Writes what is queued and stops the thread; later lines are written at
    /// once, after these. Call it once the lines matter (the worker does on
    /// its way out); the owner's deinit calls it too.
    func close() {
        pthread_mutex_lock(writing)
        pthread_mutex_lock(state)
        let wasStopping = stopping
        stopping = true
        var batch: [UInt8] = []
        swap(&batch, &pending)
        pthread_mutex_unlock(state)
        pthread_cond_signal(linesArrived)
        Self.writeInPieces(batch, to: fileDescriptor)
        pthread_mutex_unlock(writing)
        if !wasStopping { threadFinished.wait() }
    }

    /// The queued lines, leaving an empty queue that keeps its capacity.
    private func takePending() -> [UInt8] {
        var batch: [UInt8] = []
        batch.reserveCapacity(64 * 1024)
        pthread_mutex_lock(state)
        swap(&batch, &pending)
        pthread_mutex_unlock(state)
        return batch
    }

    private func run() {
        var batch: [UInt8] = []
        batch.reserveCapacity(64 * 1024)
        pthread_mutex_lock(state)
        while true {
            while pending.isEmpty && !stopping { pthread_cond_wait(linesArrived, state) }
            if stopping { break }
            pthread_mutex_unlock(state)
            // Let the batch gather.
            var delay = timespec(tv_sec: Int(delayMicroseconds / 1_000_000), tv_nsec: Int(delayMicroseconds % 1_000_000) * 1_000)
            nanosleep(&delay, nil)
            pthread_mutex_lock(writing)
            pthread_mutex_lock(state)
            swap(&batch, &pending)
            pthread_mutex_unlock(state)
            Self.writeInPieces(batch, to: fileDescriptor)
            pthread_mutex_unlock(writing)
            batch.removeAll(keepingCapacity: true)
            if batch.capacity > 1 << 20 { batch = []; batch.reserveCapacity(64 * 1024) }
            pthread_mutex_lock(state)
        }
        pthread_mutex_unlock(state)
        threadFinished.signal()
    }

    /// Writes whole lines in pieces of at most PIPE_BUF bytes: a `write` of up
    /// to that many bytes to a pipe is atomic, so another thread's log line
    /// never lands inside one of these.
    static func writeInPieces(_ bytes: [UInt8], to fileDescriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            for piece in pieces(of: bytes) {
                LineLogHandler.writeAll(UnsafeRawBufferPointer(rebasing: buffer[piece]), to: fileDescriptor)
            }
        }
    }

    /// The ranges `writeInPieces` writes: as many whole lines as fit in
    /// `limit` bytes each (a longer line alone; lines are cut to PIPE_BUF).
    static func pieces(of bytes: [UInt8], limit: Int = Int(PIPE_BUF)) -> [Range<Int>] {
        precondition(limit > 0)
        var pieces: [Range<Int>] = []
        var start = 0
        while start < bytes.count {
            var end = min(start + limit, bytes.count)
            if end < bytes.count {
                var cut = end
                while cut > start && bytes[cut - 1] != UInt8(ascii: "\n") { cut -= 1 }
                if cut > start {
                    end = cut
                } else {
                    // One line longer than the limit: all of it.
                    while end < bytes.count && bytes[end - 1] != UInt8(ascii: "\n") { end += 1 }
                }
            }
            pieces.append(start..<end)
            start = end
        }
        return pieces
    }
}
