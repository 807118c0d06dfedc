import Testing
@testable import FastCGI

@Suite("An answer leaves as FastCGI records: STDOUT of at most 65 535 bytes, an empty STDOUT, END_REQUEST")
struct FastCGIRecordsTests {
    struct Record: Equatable {
        let type: UInt8
        let requestID: UInt16
        let content: [UInt8]
    }

    /// Splits a byte stream into records, checking each header's fixed fields.
    static func records(_ bytes: [UInt8]) -> [Record] {
        var records: [Record] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            #expect(bytes[offset] == 1, "version 1")
            let length = Int(bytes[offset + 4]) << 8 | Int(bytes[offset + 5])
            let padding = Int(bytes[offset + 6])
            let start = offset + 8
            records.append(Record(type: bytes[offset + 1], requestID: UInt16(bytes[offset + 2]) << 8 | UInt16(bytes[offset + 3]),
                                  content: Array(bytes[start..<min(start + length, bytes.count)])))
            offset = start + length + padding
        }
        #expect(offset == bytes.count, "the stream ends with a whole record")
        return records
    }

    /// The bytes the layout sends, read piece by piece from where each lies.
    static func sent(head: [UInt8], body: [UInt8], requestID: UInt16) -> (bytes: [UInt8], pieces: [FastCGIRecords.Piece]) {
        var framing: [UInt8] = [0xAA]  // bytes already there are left alone
        var pieces: [FastCGIRecords.Piece] = []
        FastCGIRecords.layOut(requestID: requestID, headCount: head.count, bodyCount: body.count, framing: &framing, pieces: &pieces)
        #expect(framing.first == 0xAA)
        let bytes = pieces.flatMap { piece in
            switch piece.source {
            case .framing: Array(framing[piece.range])
            case .head: Array(head[piece.range])
            case .body: Array(body[piece.range])
            }
        }
        return (bytes, pieces)
    }

    @Test("head and body arrive whole and in order, split only at record boundaries", arguments: [
        (0, 0), (10, 0), (100, 65_435), (100, 65_436), (100, 131_000), (70_000, 10), (65_535, 65_535),
    ])
    func framesAnyLength(_ headLength: Int, _ bodyLength: Int) {
        let head = (0..<headLength).map { UInt8($0 % 7 + 1) }
        let body = (0..<bodyLength).map { UInt8($0 % 251) }
        let records = Self.records(Self.sent(head: head, body: body, requestID: 0x0102).bytes)
        let data = records.dropLast(2)
        #expect(data.allSatisfy { $0.type == 6 && !$0.content.isEmpty && $0.content.count <= 65_535 })
        #expect(data.dropLast().allSatisfy { $0.content.count == 65_535 }, "every record but the last is full")
        #expect(data.flatMap(\.content) == head + body)
        #expect(records.suffix(2) == [Record(type: 6, requestID: 0x0102, content: []),
                                     Record(type: 3, requestID: 0x0102, content: [0, 0, 0, 0, 0, 0, 0, 0])])
        #expect(records.allSatisfy { $0.requestID == 0x0102 })
    }

    @Test("a page answer is four runs: a record header, the head and the body in place, the closing records")
    func bodyIsNotCopied() {
        let (_, pieces) = Self.sent(head: Array(repeating: 1, count: 120), body: Array(repeating: 2, count: 14_000), requestID: 1)
        #expect(pieces.map(\.source) == [.framing, .head, .body, .framing])
        #expect(pieces[2].range == 0..<14_000)
        #expect(pieces.filter { $0.source != .framing }.allSatisfy { !$0.range.isEmpty })
    }
}
