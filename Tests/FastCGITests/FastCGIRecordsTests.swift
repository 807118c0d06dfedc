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

    @Test("head and body arrive whole and in order, split only at record boundaries", arguments: [
        (0, 0), (10, 0), (100, 65_435), (100, 65_436), (100, 131_000), (70_000, 10), (65_535, 65_535),
    ])
    func framesAnyLength(_ headLength: Int, _ bodyLength: Int) {
        let head = (0..<headLength).map { UInt8($0 % 7 + 1) }
        let body = (0..<bodyLength).map { UInt8($0 % 251) }
        var output: [UInt8] = [0xAA]  // bytes already there are kept
        FastCGIRecords.appendAnswer(requestID: 0x0102, head: head, body: body, to: &output)
        #expect(output.first == 0xAA)
        let records = Self.records(Array(output.dropFirst()))
        let data = records.dropLast(2)
        #expect(data.allSatisfy { $0.type == 6 && !$0.content.isEmpty && $0.content.count <= 65_535 })
        #expect(data.dropLast().allSatisfy { $0.content.count == 65_535 }, "every record but the last is full")
        #expect(data.flatMap(\.content) == head + body)
        #expect(records.suffix(2) == [Record(type: 6, requestID: 0x0102, content: []),
                                     Record(type: 3, requestID: 0x0102, content: [0, 0, 0, 0, 0, 0, 0, 0])])
        #expect(records.allSatisfy { $0.requestID == 0x0102 })
    }
}
