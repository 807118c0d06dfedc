import Logging
import Testing
@testable import PortalKit

@Suite("Log lines: one per event, sorted key=value, nothing a request sends can forge a line")
struct LineLogHandlerTests {
    func line(_ message: Logger.Message, _ metadata: Logger.Metadata, handler: Logger.Metadata = [:]) -> String {
        let event = LogEvent(level: .info, message: message, metadata: metadata, source: "PortalKit",
                             file: #fileID, function: #function, line: #line)
        let bytes = LineLogHandler.format(event: event, label: "portal-worker", at: Timestamp(millisecondsSinceEpoch: 1_795_683_900_123),
                                          handlerMetadata: handler, providerMetadata: nil)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("time, level, label, message, then the fields in key order")
    func layout() {
        #expect(line("request", ["status": "200", "method": "GET"], handler: ["request_id": "ab12"])
                == "2026-11-26T09:05:00.123Z info portal-worker: request method=GET request_id=ab12 status=200\n")
    }

    @Test("values with spaces, quotes, equals signs or control characters are quoted and escaped")
    func escaping() {
        let forged = line("request", ["path": "/x\n2026-11-26T00:00:00.000Z info portal-worker: forged \"a\"=b\\"])
        #expect(forged == "2026-11-26T09:05:00.123Z info portal-worker: request "
                + #"path="/x\n2026-11-26T00:00:00.000Z info portal-worker: forged \"a\"=b\\""# + "\n")
        #expect(forged.filter { $0 == "\n" }.count == 1)
        #expect(line("a b", ["k": "\u{01}\u{7F}", "e": ""]) == "2026-11-26T09:05:00.123Z info portal-worker: \"a b\" e=\"\" k=\"\\x01\\x7f\"\n")
    }
}
