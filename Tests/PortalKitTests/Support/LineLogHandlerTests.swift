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

    @Test("explicit fields replace the handler's of the same key; every key once, sorted")
    func precedence() {
        #expect(line("request", ["status": "500", "b": "2"], handler: ["status": "200", "a": "1"])
                == "2026-11-26T09:05:00.123Z info portal-worker: request a=1 b=2 status=500\n")
    }

    @Test("values with spaces, quotes, equals signs or control characters are quoted and escaped")
    func escaping() {
        let forged = line("request", ["path": "/x\n2026-11-26T00:00:00.000Z info portal-worker: forged \"a\"=b\\"])
        #expect(forged == "2026-11-26T09:05:00.123Z info portal-worker: request "
                + #"path="/x\n2026-11-26T00:00:00.000Z info portal-worker: forged \"a\"=b\\""# + "\n")
        #expect(forged.filter { $0 == "\n" }.count == 1)
        #expect(line("a b", ["k": "\u{01}\u{7F}", "e": ""]) == "2026-11-26T09:05:00.123Z info portal-worker: \"a b\" e=\"\" k=\"\\x01\\x7f\"\n")
    }

    @Test("non-ASCII values are quoted; the Unicode line breaks and C1 controls are escaped, other characters kept")
    func unicode() {
        #expect(line("request", ["name": "Zoë"]) == "2026-11-26T09:05:00.123Z info portal-worker: request name=\"Zoë\"\n")
        let separators = line("request", ["path": "/a\u{85}b\u{2028}c\u{2029}d\u{9B}e"])
        #expect(separators == "2026-11-26T09:05:00.123Z info portal-worker: request "
                + #"path="/a\u0085b\u2028c\u2029d\u009be""# + "\n")
    }

    @Test("a value is cut to 1 KB at a character boundary, and marked")
    func longValue() {
        let value = String(repeating: "a", count: 1023) + "é" + String(repeating: "b", count: 5000)
        let text = line("request", ["path": .string(value)])
        #expect(text == "2026-11-26T09:05:00.123Z info portal-worker: request path=\"" + String(repeating: "a", count: 1023) + "…\"\n")
    }

    @Test("a line never exceeds PIPE_BUF (4096 bytes), so one write(2) to a pipe is never split")
    func longLine() {
        var fields: Logger.Metadata = [:]
        for index in 0..<10 { fields["k\(index)"] = .string(String(repeating: "x\u{2028}", count: 400)) }
        let bytes = Array(line("request", fields).utf8)
        #expect(bytes.count <= 4096)
        #expect(bytes.last == 0x0A)
        #expect(bytes.filter { $0 == 0x0A }.count == 1)
        #expect(String(decoding: bytes, as: UTF8.self).hasSuffix(" …(line truncated)\n"))
        #expect(String(validating: bytes, as: UTF8.self) != nil)
    }
}
