import Testing
@testable import PortalKit

@Suite("ByteWriter: a raw output buffer that grows and keeps every byte in order")
struct ByteWriterTests {
    @Test("bytes, runs, literals and in-place writes land in order across many growths", arguments: [1, 64, 1000])
    func matchesAnArray(initialCapacity: Int) {
        var writer = ByteWriter(capacity: initialCapacity)
        var expected: [UInt8] = []
        var generator = SystemRandomNumberGenerator()
        for step in 0..<2_000 {
            switch step % 4 {
            case 0:
                let byte = UInt8.random(in: 0...255, using: &generator)
                writer.append(byte)
                expected.append(byte)
            case 1:
                let run = (0..<Int.random(in: 0...300, using: &generator)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ step) }
                run.withUnsafeBufferPointer { writer.append($0) }
                expected += run
            case 2:
                writer.append("literal")
                expected += Array("literal".utf8)
            default:
                let length = Int.random(in: 0...40, using: &generator)
                writer.write(atMost: 40) { out in
                    for index in 0..<length { out[index] = UInt8(truncatingIfNeeded: index) }
                    return length
                }
                expected += (0..<length).map { UInt8(truncatingIfNeeded: $0) }
            }
        }
        #expect(writer.count == expected.count)
        #expect(writer.bytes == expected)
    }

    @Test("finishing hands over exactly the bytes written, after any growth, as an answer's body", arguments: [0, 1, 64, 5_000])
    func finishHandsOverTheBytes(length: Int) {
        var writer = ByteWriter(capacity: 64)
        let expected = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        expected.withUnsafeBufferPointer { writer.append($0) }
        let body = ResponseBody(writer.finish())
        #expect(body.count == length)
        #expect(Array(body) == expected)
        #expect(body == ResponseBody(expected))
        #expect(body.withUnsafeBytes { Array($0) } == expected)
    }
}
