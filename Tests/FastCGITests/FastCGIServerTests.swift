#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Logging
import Synchronization
import Testing
@testable import FastCGI

/// Echoes what the server handed over, so tests can see the parsed request.
final class EchoResponder: FastCGIResponder {
    let seen = Mutex<[FastCGIRequest]>([])

    func respond(to request: FastCGIRequest) -> FastCGIResponse {
        seen.withLock { $0.append(request) }
        if let path = request.head.path, path.hasPrefix("/bytes/"), let count = Int(path.dropFirst("/bytes/".count)) {
            return FastCGIResponse(head: HTTPResponse(status: .ok, headerFields: [.contentType: "application/octet-stream"]),
                                   body: Self.pattern(count))
        }
        let text = "\(request.head.method.rawValue) \(request.head.path ?? "") host=\(request.head.authority ?? "") "
            + "body=\(request.body.count) exceeded=\(request.bodyExceededLimit) remote=\(request.remoteAddress)"
        return FastCGIResponse(head: HTTPResponse(status: .ok, headerFields: [.contentType: "text/plain"]), body: Array(text.utf8))
    }

    /// `count` bytes that are not all alike, so a lost or repeated run shows.
    static func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8($0 % 251) } }
}

/// A server on a fresh unix socket, stopped when the test ends.
struct RunningServer {
    let server: FastCGIServer
    let path: String
    let responder: EchoResponder

    init(threads: Int = 4, maxBodyBytes: Int = 1024) throws {
        path = "/tmp/fcgi-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let socket = try ListeningSocket.open(.unixSocket(path: path), environment: [:])
        responder = EchoResponder()
        server = FastCGIServer(socket: socket, configuration: .init(threadCount: threads, maxBodyBytes: maxBodyBytes),
                               responder: responder, logger: Logger(label: "test"))
        server.start()
    }

    func stop() {
        server.stop(gracePeriod: 2)
        #expect(server.waitForThreads(timeout: 5), "every thread leaves once clients have closed")
        server.socket.close()
    }

    static let getParams: [(String, String)] = [
        ("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/hello?x=1"), ("HTTP_HOST", "app.localhost"),
        ("REMOTE_ADDR", "127.0.0.1"), ("CONTENT_LENGTH", ""),
    ]
}

@Suite("The FastCGI server over a real unix socket")
struct FastCGIServerTests {
    @Test("answers a request with the responder's status, headers and body")
    func answersARequest() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try FastCGITestClient.connect(to: running.path)
        defer { client.close() }
        let response = try client.request(RunningServer.getParams)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain")
        #expect(response.header("Content-Length") == String(response.body.count))
        #expect(response.text == "GET /hello?x=1 host=app.localhost body=0 exceeded=false remote=127.0.0.1")
    }

    @Test("an answer of any size arrives whole in STDOUT records, then an empty one and one END_REQUEST, and nothing after",
          arguments: [0, 100, 8_192, 65_536, 200_000])
    func answerRecords(_ size: Int) throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try FastCGITestClient.connect(to: running.path)
        defer { client.close() }
        for requestID: UInt16 in [1, 258] {
            try client.send(requestID: requestID, params: [("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/bytes/\(size)")])
            let records = try client.readRecords()
            #expect(records.allSatisfy { $0.requestID == requestID })
            #expect(records.map(\.type).dropLast(2).allSatisfy { $0 == .stdout })
            #expect(records.suffix(2).map(\.type) == [.stdout, .endRequest])
            #expect(records.dropLast(2).allSatisfy { !$0.content.isEmpty && $0.content.count <= 65_535 })
            #expect(records.last?.content == [0, 0, 0, 0, 0, 0, 0, 0], "status 0, request complete")
            let response = try FastCGITestClient.parse(records.filter { $0.type == .stdout }.flatMap(\.content))
            #expect(response.status == 200 && response.header("Content-Length") == String(size))
            #expect(response.body == EchoResponder.pattern(size))
            #expect(!client.hasBytesWaiting(milliseconds: 50), "nothing follows END_REQUEST on the kept connection")
        }
    }

    @Test("a web server that leaves before its answer costs nothing: the thread answers the next connection")
    func clientGoneBeforeTheAnswer() throws {
        let running = try RunningServer(threads: 1)
        defer { running.stop() }
        let leaving = try FastCGITestClient.connect(to: running.path)
        try leaving.send(params: [("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/bytes/300000")])
        leaving.close()
        let client = try FastCGITestClient.connect(to: running.path)
        defer { client.close() }
        #expect(try client.request(RunningServer.getParams).status == 200)
    }

    @Test("keeps the connection for the next request when asked to (nginx fastcgi_keep_conn)")
    func keepAlive() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try FastCGITestClient.connect(to: running.path)
        defer { client.close() }
        for index in 1...5 {
            let response = try client.request([("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/n/\(index)")])
            #expect(response.text.hasPrefix("GET /n/\(index) "))
        }
    }

    @Test("delivers a body within the limit")
    func bodyWithinLimit() throws {
        let running = try RunningServer(maxBodyBytes: 1024)
        defer { running.stop() }
        let client = try FastCGITestClient.connect(to: running.path)
        defer { client.close() }
        let body = [UInt8](repeating: 65, count: 1000)
        let response = try client.request(
            [("REQUEST_METHOD", "POST"), ("REQUEST_URI", "/p"), ("CONTENT_LENGTH", "1000")], body: body)
        #expect(response.text.contains("body=1000 exceeded=false"))
        #expect(running.responder.seen.withLock { $0.last?.body } == body)
    }

    @Test("flags a body over the limit, declared or not, and stays in step for the next request")
    func bodyOverLimit() throws {
        let running = try RunningServer(maxBodyBytes: 1024)
        defer { running.stop() }
        let client = try FastCGITestClient.connect(to: running.path)
        defer { client.close() }
        let big = [UInt8](repeating: 66, count: 100_000)
        let declared = try client.request(
            [("REQUEST_METHOD", "POST"), ("REQUEST_URI", "/p"), ("CONTENT_LENGTH", "100000")], body: big)
        #expect(declared.text.contains("body=0 exceeded=true"))
        let undeclared = try client.request([("REQUEST_METHOD", "POST"), ("REQUEST_URI", "/q")], body: big)
        #expect(undeclared.text.contains("body=0 exceeded=true"))
        let next = try client.request(RunningServer.getParams)
        #expect(next.text.hasPrefix("GET /hello?x=1"))
    }

    @Test("answers 400 itself when the params cannot form a request, and keeps serving")
    func malformedParams() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try FastCGITestClient.connect(to: running.path)
        defer { client.close() }
        #expect(try client.request([("REQUEST_METHOD", "G E T"), ("REQUEST_URI", "/")]).status == 400)
        #expect(try client.request(RunningServer.getParams).status == 200)
    }

    @Test("serves many connections at once with a small pool")
    func concurrentConnections() throws {
        let running = try RunningServer(threads: 4)
        defer { running.stop() }
        let failures = Atomic<Int>(0)
        // Eight clients at once, each on its own connection, against four threads.
        onThreadsAtOnce(8) { index in
            do {
                let client = try FastCGITestClient.connect(to: running.path)
                defer { client.close() }
                try client.send(params: [("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/c/\(index)")], keepConnection: false)
                if !(try client.readResponse().text.hasPrefix("GET /c/\(index) ")) { failures.add(1, ordering: .relaxed) }
            } catch {
                failures.add(1, ordering: .relaxed)
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(running.responder.seen.withLock { $0.count } == 8)
    }

    @Test("computes at most as many requests at once as it has response slots; the others wait and are all answered")
    func concurrencyLimit() throws {
        final class SlowResponder: FastCGIResponder {
            let running = Atomic<Int>(0)
            let most = Atomic<Int>(0)
            func respond(to request: FastCGIRequest) -> FastCGIResponse {
                let now = running.add(1, ordering: .relaxed).newValue
                _ = most.max(now, ordering: .relaxed)
                usleep(30_000)
                running.subtract(1, ordering: .relaxed)
                return FastCGIResponse(head: HTTPResponse(status: .ok), body: Array("done".utf8))
            }
        }
        let path = "/tmp/fcgi-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let responder = SlowResponder()
        let server = FastCGIServer(socket: try ListeningSocket.open(.unixSocket(path: path), environment: [:]),
                                   configuration: .init(threadCount: 8, responseSlots: ResponseSlots(count: 2)), responder: responder,
                                   logger: Logger(label: "test"))
        server.start()
        defer {
            server.stop(gracePeriod: 2)
            _ = server.waitForThreads(timeout: 5)
            server.socket.close()
        }
        let answered = Atomic<Int>(0)
        onThreadsAtOnce(8) { index in
            guard let client = try? FastCGITestClient.connect(to: path) else { return }
            defer { client.close() }
            try? client.send(params: [("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/slow/\(index)")], keepConnection: false)
            if (try? client.readResponse().text) == "done" { answered.add(1, ordering: .relaxed) }
        }
        #expect(answered.load(ordering: .relaxed) == 8)
        #expect(responder.most.load(ordering: .relaxed) == 2)
    }

    @Test("a request that lends its response slot while it sleeps lets another request be computed meanwhile")
    func lendingASlot() throws {
        final class LendingResponder: FastCGIResponder {
            let slots: ResponseSlots
            let lenderSleeps = DispatchSemaphore(value: 0)
            let wakeLender = DispatchSemaphore(value: 0)
            init(slots: ResponseSlots) { self.slots = slots }
            func respond(to request: FastCGIRequest) -> FastCGIResponse {
                if request.head.path == "/lend" {
                    slots.lending { lenderSleeps.signal(); wakeLender.wait() }
                    return FastCGIResponse(head: HTTPResponse(status: .ok), body: Array("lent".utf8))
                }
                return FastCGIResponse(head: HTTPResponse(status: .ok), body: Array("quick".utf8))
            }
        }
        let path = "/tmp/fcgi-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let slots = ResponseSlots(count: 1)
        let responder = LendingResponder(slots: slots)
        let server = FastCGIServer(socket: try ListeningSocket.open(.unixSocket(path: path), environment: [:]),
                                   configuration: .init(threadCount: 4, responseSlots: slots), responder: responder,
                                   logger: Logger(label: "test"))
        server.start()
        defer {
            responder.wakeLender.signal()
            server.stop(gracePeriod: 2)
            _ = server.waitForThreads(timeout: 5)
            server.socket.close()
        }
        /// One request on its own connection, answered in the background.
        final class Exchange: Sendable {
            let answer = Mutex<String?>(nil)
            let done = DispatchSemaphore(value: 0)
        }
        func request(_ uri: String) -> Exchange {
            let exchange = Exchange()
            DispatchQueue.global().async {
                let text = try? {
                    let client = try FastCGITestClient.connect(to: path)
                    defer { client.close() }
                    try client.send(params: [("REQUEST_METHOD", "GET"), ("REQUEST_URI", uri)], keepConnection: false)
                    return try client.readResponse().text
                }()
                exchange.answer.withLock { $0 = text }
                exchange.done.signal()
            }
            return exchange
        }
        let lender = request("/lend")
        #expect(responder.lenderSleeps.wait(timeout: .now() + 5) == .success)
        // The only slot is lent: the other request is computed while the lender sleeps.
        let quick = request("/quick")
        #expect(quick.done.wait(timeout: .now() + 5) == .success)
        #expect(quick.answer.withLock { $0 } == "quick")
        responder.wakeLender.signal()
        #expect(lender.done.wait(timeout: .now() + 5) == .success)
        #expect(lender.answer.withLock { $0 } == "lent")
    }

    @Test("stop() wakes every thread blocked in accept, and refuses new connections")
    func stopWakesAcceptingThreads() throws {
        let running = try RunningServer(threads: 6)
        // Let the threads reach accept.
        var waited = 0
        while running.server.threadsRunning < 6 && waited < 200 { usleep(5_000); waited += 1 }
        #expect(running.server.threadsRunning == 6)
        #expect(running.server.stop(gracePeriod: 1))
        #expect(running.server.waitForThreads(timeout: 2))
        #expect(throws: FastCGITestClient.Failure.self) {
            let client = try FastCGITestClient.connect(to: running.path)
            defer { client.close() }
            _ = try client.request(RunningServer.getParams)
        }
        running.server.socket.close()
    }

    @Test("a stale socket file is replaced; a live one is refused")
    func staleAndLiveSockets() throws {
        let running = try RunningServer()
        #expect(throws: ListeningSocket.OpenError.self) {
            _ = try ListeningSocket.open(.unixSocket(path: running.path), environment: [:])
        }
        running.stop()
        // The path was unlinked by close(); a leftover file of a crashed worker is
        // simulated by binding and never listening.
        let leftover = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: running.path.utf8)
            raw[running.path.utf8.count] = 0
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(leftover, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(leftover)
        let reopened = try ListeningSocket.open(.unixSocket(path: running.path), environment: [:])
        var info = stat()
        #expect(stat(running.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        reopened.close()
    }
}

import Foundation

/// Runs `body` on `count` threads of its own, released together once all
/// have started, and waits for them. (`DispatchQueue.concurrentPerform` runs
/// as wide as the pool allows: on a busy two-core machine that can be one at
/// a time.)
func onThreadsAtOnce(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let started = DispatchSemaphore(value: 0)
    let go = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    for index in 0..<count {
        Thread {
            started.signal()
            go.wait()
            body(index)
            done.signal()
        }.start()
    }
    for _ in 0..<count { started.wait() }
    for _ in 0..<count { go.signal() }
    for _ in 0..<count { done.wait() }
}
