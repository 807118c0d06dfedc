#if canImport(Glibc)
import Glibc
#endif
import CFastCGI
import Foundation
import HTTPTypes
import Logging
import Synchronization

/// A pool of threads, each blocking in `FCGX_Accept_r` on one shared listening
/// socket and answering one request at a time.
///
/// Accept is not serialized: on Linux concurrent `accept` is safe, and libfcgi's
/// `FCGX_Accept_r` also reads the next request's params before returning, so a
/// mutex around it would make one slow keep-alive connection block every thread.
public final class FastCGIServer: Sendable {
    public struct Configuration: Sendable {
        /// Threads answering requests. With nginx `fastcgi_keep_conn`, every pooled
        /// upstream connection pins one thread, so this must exceed nginx workers ×
        /// `keepalive` plus the concurrency you expect.
        public var threadCount: Int
        /// Longest request body read; a longer one is discarded and flagged.
        public var maxBodyBytes: Int
        /// Requests computed at the same time (nil: as many as threads).
        public var responseSlots: ResponseSlots?

        public init(threadCount: Int = 64, maxBodyBytes: Int = 256 * 1024, responseSlots: ResponseSlots? = nil) {
            self.threadCount = max(1, threadCount)
            self.maxBodyBytes = max(0, maxBodyBytes)
            self.responseSlots = responseSlots
        }
    }

    public let socket: ListeningSocket
    public let configuration: Configuration
    private let responder: any FastCGIResponder
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    /// Requests between accept and finish, across all threads.
    private let inFlight = Atomic<Int>(0)
    private let runningThreads = Atomic<Int>(0)

    /// Initializes libfcgi once per process (it installs signal handlers that
    /// `ShutdownSignals` then replaces). Safe to call again.
    public static func initializeLibrary() {
        _ = FCGX_Init()
    }

    public init(socket: ListeningSocket, configuration: Configuration, responder: any FastCGIResponder, logger: Logger) {
        self.socket = socket
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
    }

    /// Starts the threads and returns at once.
    public func start() {
        Self.initializeLibrary()
        for index in 0..<configuration.threadCount {
            let thread = Thread { [self] in self.serve(threadIndex: index) }
            thread.name = "fcgi-\(index)"
            // Handlers run synchronous code only; a modest stack keeps memory small.
            thread.stackSize = 1 << 20
            runningThreads.add(1, ordering: .relaxed)
            thread.start()
        }
        logger.info("listening", metadata: [
            "address": "\(socket.address)", "threads": "\(configuration.threadCount)",
        ])
    }

    /// Stops accepting, waits up to `gracePeriod` seconds for requests in flight,
    /// and returns whether they all finished. Threads idle on kept-alive
    /// connections are left blocked: the process is about to exit.
    @discardableResult
    public func stop(gracePeriod: Double = 10) -> Bool {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return true }
        // shutdown(2) on the listening socket makes every blocked accept fail with
        // EINVAL, which libfcgi returns to us. FCGX_ShutdownPending() is not used:
        // it sets a process-wide flag that would also stop any later server.
        socket.stopAccepting()
        let deadline = monotonicSeconds() + gracePeriod
        while inFlight.load(ordering: .acquiring) > 0 && monotonicSeconds() < deadline {
            usleep(2_000)
        }
        let drained = inFlight.load(ordering: .acquiring) == 0
        logger.info("stopped accepting", metadata: ["drained": "\(drained)"])
        return drained
    }

    /// Requests currently being answered (for tests and health reporting).
    public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Threads still inside their accept loop.
    public var threadsRunning: Int { runningThreads.load(ordering: .relaxed) }

    /// After `stop()`, waits until every thread has left its loop (threads parked
    /// on a kept-alive connection leave when the web server closes it). Only then
    /// may the listening descriptor be closed: closing it earlier lets the number
    /// be reused by another socket that a late thread would then accept on.
    @discardableResult
    public func waitForThreads(timeout: Double) -> Bool {
        let deadline = monotonicSeconds() + timeout
        while runningThreads.load(ordering: .acquiring) > 0 && monotonicSeconds() < deadline { usleep(2_000) }
        return runningThreads.load(ordering: .acquiring) == 0
    }

    private func serve(threadIndex: Int) {
        defer { runningThreads.subtract(1, ordering: .relaxed) }
        // FCGX_Request must not move: its streams point back into it.
        let request = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
        defer { request.deallocate() }
        guard FCGX_InitRequest(request, socket.fileDescriptor, 0) == 0 else {
            logger.error("FCGX_InitRequest failed", metadata: ["thread": "\(threadIndex)"])
            return
        }
        var buffers = ThreadBuffers()
        while !stopping.load(ordering: .acquiring) {
            let status = FCGX_Accept_r(request)
            if status < 0 {
                if stopping.load(ordering: .acquiring) { break }
                let code = -status
                if code == EMFILE || code == ENFILE {
                    // Out of descriptors: wait for some to close instead of exiting.
                    logger.warning("accept: out of file descriptors, backing off")
                    usleep(50_000)
                } else {
                    logger.warning("accept failed", metadata: ["errno": "\(code)"])
                    usleep(10_000)
                }
                continue
            }
            inFlight.add(1, ordering: .acquiringAndReleasing)
            handle(request, buffers: &buffers)
            if stopping.load(ordering: .acquiring) {
                // Close rather than keep the connection: nginx must not reuse it.
                request.pointee.keepConnection = 0
            }
            FCGX_Finish_r(request)
            inFlight.subtract(1, ordering: .acquiringAndReleasing)
        }
        FCGX_Free(request, 1)
    }

    private func handle(_ request: UnsafeMutablePointer<FCGX_Request>, buffers: inout ThreadBuffers) {
        var params = CGIParams()
        if var entry = request.pointee.envp {
            while let cString = entry.pointee {
                Self.splitParam(cString) { name, value in params.add(name: name, value: value) }
                entry += 1
            }
        }
        let head: HTTPRequest
        do {
            head = try params.makeHead()
        } catch {
            drainInput(request.pointee.in, chunk: &buffers.input)
            write(FastCGIResponse(head: HTTPResponse(status: .badRequest, headerFields: [.contentType: "text/plain"]),
                                  body: Array("Bad Request\n".utf8)), to: request, buffers: &buffers)
            return
        }
        let (body, exceeded) = readBody(request.pointee.in, declaredLength: params.contentLength, chunk: &buffers.input)
        let slots = configuration.responseSlots
        slots?.acquire()
        let response = responder.respond(to: FastCGIRequest(
            head: head, body: body, bodyExceededLimit: exceeded,
            remoteAddress: params.remoteAddress, requestID: params.requestID))
        slots?.release()
        write(response, to: request, buffers: &buffers)
    }

    private func write(_ response: FastCGIResponse, to request: UnsafeMutablePointer<FCGX_Request>, buffers: inout ThreadBuffers) {
        let sent = response.body.withUnsafeBytes { body in
            buffers.head.removeAll(keepingCapacity: true)
            CGIResponseHead.append(response.head, contentLength: body.count, to: &buffers.head)
            buffers.framing.removeAll(keepingCapacity: true)
            buffers.pieces.removeAll(keepingCapacity: true)
            FastCGIRecords.layOut(requestID: UInt16(truncatingIfNeeded: request.pointee.requestId), headCount: buffers.head.count,
                                  bodyCount: body.count, framing: &buffers.framing, pieces: &buffers.pieces)
            return GatheredSend.send(buffers.pieces, framing: buffers.framing, head: buffers.head, body: body,
                                     vectors: &buffers.vectors, on: request.pointee.ipcFd)
        }
        if !sent {
            // The web server went away; the connection is closed at finish.
            logger.debug("response write failed")
            request.pointee.keepConnection = 0
        }
        // The answer carried the end of the stream and of the request, so
        // FCGX_Finish_r must not write them again: it skips a stream whose
        // FCGX_FClose has been called. (Nothing may write to `request.err`
        // either: its records would follow END_REQUEST.)
        request.pointee.out.pointee.wasFCloseCalled = 1
        request.pointee.out.pointee.isClosed = 1
    }

    /// Reads the body up to the limit. A longer body is read and thrown away so a
    /// kept-alive connection stays in step; the caller answers 413.
    private func readBody(_ stream: UnsafeMutablePointer<FCGX_Stream>?, declaredLength: Int?, chunk: inout [UInt8]) -> ([UInt8], Bool) {
        let limit = configuration.maxBodyBytes
        if let declaredLength, declaredLength > limit {
            drainInput(stream, chunk: &chunk)
            return ([], true)
        }
        var body = [UInt8]()
        if let declaredLength, declaredLength > 0 { body.reserveCapacity(declaredLength) }
        while true {
            let count = Self.read(stream, into: &chunk)
            if count <= 0 { break }
            if body.count + count > limit {
                drainInput(stream, chunk: &chunk)
                return ([], true)
            }
            body.append(contentsOf: chunk[0..<count])
        }
        return (body, false)
    }

    private func drainInput(_ stream: UnsafeMutablePointer<FCGX_Stream>?, chunk: inout [UInt8]) {
        while Self.read(stream, into: &chunk) > 0 {}
    }

    private static func read(_ stream: UnsafeMutablePointer<FCGX_Stream>?, into chunk: inout [UInt8]) -> Int {
        chunk.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                Int(FCGX_GetStr($0, Int32(buffer.count), stream))
            }
        }
    }

    /// Splits `NAME=value` in place: both halves are views of libfcgi's
    /// bytes, valid until the next accept.
    private static func splitParam(_ cString: UnsafeMutablePointer<CChar>,
                                   _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        let length = strlen(cString)
        cString.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            let buffer = UnsafeBufferPointer(start: bytes, count: length)
            guard let equals = buffer.firstIndex(of: UInt8(ascii: "=")) else { return }
            body(UnsafeBufferPointer(rebasing: buffer[..<equals]), UnsafeBufferPointer(rebasing: buffer[(equals + 1)...]))
        }
    }
}

/// Buffers each thread reuses from request to request, so the hot path does not
/// allocate them anew.
struct ThreadBuffers {
    var input = [UInt8](repeating: 0, count: 16 * 1024)
    var head: [UInt8] = empty(reserving: 1024)
    /// Record headers and closing records of an answer (32 bytes for most).
    var framing: [UInt8] = empty(reserving: 64)
    var pieces: [FastCGIRecords.Piece] = empty(reserving: 8)
    var vectors: [iovec] = empty(reserving: 8)

    private static func empty<Element>(reserving capacity: Int) -> [Element] {
        var array: [Element] = []
        array.reserveCapacity(capacity)
        return array
    }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
}
