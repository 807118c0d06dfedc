#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import Testing
@testable import PortalKit

@Suite("Access log: one line per answered request, the worker's written directly but the same as any log line")
struct AccessLogTests {
    static let time = Timestamp(millisecondsSinceEpoch: 1_795_683_900_123)

    /// A pipe the log writes to; `drain` reads what arrived (everything fits the pipe's buffer).
    final class Pipe {
        let readEnd: Int32
        let writeEnd: Int32

        init() {
            var ends: [Int32] = [0, 0]
            precondition(pipe(&ends) == 0)
            readEnd = ends[0]
            writeEnd = ends[1]
        }

        deinit {
            close(readEnd)
            close(writeEnd)
        }

        /// What was written so far, up to a marker this writes last (a read never blocks on an empty pipe).
        func drain() -> String {
            _ = write(writeEnd, "|", 1)
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while bytes.last != UInt8(ascii: "|") {
                let count = read(readEnd, &buffer, buffer.count)
                guard count > 0 else { break }
                bytes += buffer[0..<count]
            }
            return String(decoding: bytes.dropLast(), as: UTF8.self)
        }
    }

    static let entries = [
        AccessLogEntry(method: "GET", path: "/api/portal/issues", host: "acme.portal.example.net",
                       status: 200, durationMicroseconds: 1_234, requestID: "7f3a0c"),
        // What a request controls is escaped the same way: quotes, a forged line, non-ASCII, an empty host.
        AccessLogEntry(method: "POST", path: "/x\n2026-11-26T00:00:00.000Z info portal-worker: forged \"a\"=b\\",
                       host: "", status: 400, durationMicroseconds: 7, requestID: "ab12"),
        AccessLogEntry(method: "GET", path: "/søk\u{2028}", host: "support.zoë.test", status: 404,
                       durationMicroseconds: 61_000_005, requestID: "r"),
        // Long enough that escaping takes the line past PIPE_BUF: cut the same way.
        AccessLogEntry(method: "GET", path: String(repeating: "\u{01}", count: 1_000), host: String(repeating: "\u{02}", count: 1_000),
                       status: 400, durationMicroseconds: 0, requestID: "long"),
    ]

    @Test("the worker's access line is, byte for byte, what the log handler writes for the same request",
          arguments: entries.indices)
    func sameLine(_ index: Int) {
        let entry = Self.entries[index]
        let direct = Pipe()
        LineAccessLog(label: "portal-worker", level: .info, fileDescriptor: direct.writeEnd, clock: { Self.time }).record(entry)
        let viaSwiftLog = Pipe()
        let logger = Logger(label: "portal-worker") { [writeEnd = viaSwiftLog.writeEnd] label in
            LineLogHandler(label: label, level: .info, fileDescriptor: writeEnd, clock: { Self.time })
        }
        LoggerAccessLog(logger: logger).record(entry)
        let line = direct.drain()
        #expect(line == viaSwiftLog.drain())
        #expect(line.hasPrefix("2026-11-26T09:05:00.123Z info portal-worker: request duration_ms="))
        #expect(line.filter { $0 == "\n" }.count == 1 && line.hasSuffix("\n"))
        #expect(line.utf8.count <= LineLogHandler.maximumLineBytes)
    }

    @Test("gathered into batches, the same lines arrive, in order, once the log is closed")
    func batchedLines() {
        let direct = Pipe()
        let unbatched = LineAccessLog(label: "portal-worker", level: .info, fileDescriptor: direct.writeEnd, clock: { Self.time })
        let gathered = Pipe()
        let batched = LineAccessLog(label: "portal-worker", level: .info, fileDescriptor: gathered.writeEnd,
                                    batchDelayMicroseconds: 200_000, clock: { Self.time })
        for entry in Self.entries {
            unbatched.record(entry)
            batched.record(entry)
        }
        batched.close()
        #expect(gathered.drain() == direct.drain())
    }

    @Test("the fields, in key order")
    func layout() {
        let log = Pipe()
        LineAccessLog(label: "portal-worker", level: .info, fileDescriptor: log.writeEnd, clock: { Self.time }).record(Self.entries[0])
        #expect(log.drain() == "2026-11-26T09:05:00.123Z info portal-worker: request duration_ms=1.234 "
                + "host=acme.portal.example.net method=GET path=/api/portal/issues request_id=7f3a0c status=200\n")
    }

    @Test("above info, nothing is written")
    func level() {
        let log = Pipe()
        LineAccessLog(label: "portal-worker", level: .notice, fileDescriptor: log.writeEnd).record(Self.entries[0])
        #expect(log.drain() == "")
    }

    @Test("durations read as milliseconds with three decimals", arguments: [
        (0 as Int64, "0.000"), (7, "0.007"), (210, "0.210"), (1_234, "1.234"), (61_000_005, "61000.005"), (-3, "0.000"),
    ])
    func durations(_ microseconds: Int64, _ expected: String) {
        let entry = AccessLogEntry(method: "GET", path: "/", host: "", status: 200, durationMicroseconds: microseconds, requestID: "")
        #expect(entry.durationMilliseconds == expected)
    }

    final class Recorder: AccessLog {
        let entries = Mutex<[AccessLogEntry]>([])
        func record(_ entry: AccessLogEntry) { entries.withLock { $0.append(entry) } }
    }

    @Test("the application records every answer once: method, path without the query, host, status, and the X-Request-Id it answered with")
    func everyAnswer() throws {
        let recorder = Recorder()
        let test = try TestApp(accessLog: recorder)
        let (_, key) = try test.workspace("acme")
        let read = test.send(.get, "/api/account/client-portal/settings?x=1", key: key)
        let missing = test.send(.delete, "/nowhere", host: "acme.portal.localhost")
        let unparsable = test.send(.get, "/%FF", host: "app.localhost")
        let entries = recorder.entries.withLock { $0 }
        #expect(entries.count == 3)
        #expect(entries.map(\.status) == [read.status, missing.status, unparsable.status])
        #expect(entries.map(\.status) == [200, 404, 400])
        #expect(entries.map(\.method) == ["GET", "DELETE", "GET"])
        #expect(entries.map(\.path) == ["/api/account/client-portal/settings", "/nowhere", "/%FF"])
        #expect(entries.map(\.host) == ["app.localhost", "acme.portal.localhost", ""])
        #expect(entries.map(\.requestID) == [read, missing, unparsable].map { $0.header("X-Request-Id") ?? "none" })
        #expect(entries.allSatisfy { $0.durationMicroseconds >= 0 && !$0.requestID.isEmpty })
    }

    @Test("a request that could not be parsed is logged without its query (a sign-in link's token stays out of the log)")
    func unparsedWithoutQuery() throws {
        let recorder = Recorder()
        let test = try TestApp(accessLog: recorder)
        let badQuery = test.send(.get, "/login/link?token=secret-token&x=%ZZ", host: "acme.portal.localhost")
        let tooLarge = test.send(.post, "/login/link?token=secret-token", host: "acme.portal.localhost", bodyExceededLimit: true)
        let entries = recorder.entries.withLock { $0 }
        #expect([badQuery.status, tooLarge.status] == [400, 413])
        #expect(entries.map(\.path) == ["/login/link", "/login/link"])
        #expect(PortalApplication.unparsedPath(String(repeating: "a", count: 300) + "?t=1") == String(repeating: "a", count: 200))
        #expect(PortalApplication.unparsedPath(nil) == "")
    }
}
