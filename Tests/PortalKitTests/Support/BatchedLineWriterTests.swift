#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import PortalKit

@Suite("Batched lines: many threads' lines leave together, whole and in order")
struct BatchedLineWriterTests {
    /// Reads a pipe on a thread of its own until every writer has closed it.
    final class PipeReader: @unchecked Sendable {
        let writeEnd: Int32
        private let readEnd: Int32
        private let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var bytes: [UInt8] = []

        init() {
            var ends: [Int32] = [0, 0]
            precondition(pipe(&ends) == 0)
            readEnd = ends[0]
            writeEnd = ends[1]
            Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = read(readEnd, &buffer, buffer.count)
                    if count <= 0 { break }
                    lock.withLock { bytes += buffer[0..<count] }
                }
                done.signal()
            }.start()
        }

        /// Everything written, once the write end is closed.
        func finish() -> [UInt8] {
            close(writeEnd)
            done.wait()
            close(readEnd)
            return lock.withLock { bytes }
        }

        /// Whether `count` bytes have arrived within `seconds`.
        func waitFor(count: Int, seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if bytesSoFar >= count { return true }
                usleep(1_000)
            }
            return bytesSoFar >= count
        }

        private var bytesSoFar: Int { lock.withLock { bytes.count } }
    }

    @Test("lines from many threads all arrive whole, each thread's in the order it wrote them, however small the queue",
          arguments: [256 * 1024, 512])
    func manyThreads(_ maximumPendingBytes: Int) {
        let reader = PipeReader()
        let writer = BatchedLineWriter(fileDescriptor: reader.writeEnd, delayMicroseconds: 2_000, maximumPendingBytes: maximumPendingBytes)
        let threads = 8, linesPerThread = 300
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for line in 0..<linesPerThread {
                writer.write(Array("thread=\(thread) line=\(line) \(String(repeating: "x", count: line % 97))\n".utf8))
            }
        }
        writer.close()
        let lines = String(decoding: reader.finish(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == threads * linesPerThread)
        for thread in 0..<threads {
            let own = lines.filter { $0.hasPrefix("thread=\(thread) ") }
            #expect(own.map { $0.split(separator: " ")[1] } == (0..<linesPerThread).map { "line=\($0)"[...] })
            #expect(own.allSatisfy { $0.hasSuffix(String(repeating: "x", count: Int($0.split(separator: " ")[1].dropFirst(5))! % 97)) })
        }
    }

    @Test("a line leaves by itself after the delay, without a flush")
    func leavesAfterTheDelay() {
        let reader = PipeReader()
        let writer = BatchedLineWriter(fileDescriptor: reader.writeEnd, delayMicroseconds: 1_000)
        writer.write(Array("one\n".utf8))
        #expect(reader.waitFor(count: 4, seconds: 5))
        writer.close()
        #expect(reader.finish() == Array("one\n".utf8))
    }

    @Test("once closed, a line is written at once")
    func afterClose() {
        let reader = PipeReader()
        let writer = BatchedLineWriter(fileDescriptor: reader.writeEnd, delayMicroseconds: 500_000)
        writer.write(Array("before\n".utf8))
        writer.close()
        writer.write(Array("after\n".utf8))
        #expect(reader.finish() == Array("before\nafter\n".utf8))
    }

    @Test("a batch is written in pieces of whole lines, each at most PIPE_BUF bytes unless one line is longer")
    func pieces() {
        let lines = (0..<200).map { "\(String(repeating: "a", count: $0 * 7 % 300))\n" } + [String(repeating: "b", count: 5_000) + "\n", "c\n"]
        let bytes = Array(lines.joined().utf8)
        let pieces = BatchedLineWriter.pieces(of: bytes, limit: 4096)
        #expect(pieces.first?.lowerBound == 0 && pieces.last?.upperBound == bytes.count)
        #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(pieces.allSatisfy { bytes[$0.upperBound - 1] == UInt8(ascii: "\n") }, "every piece ends a line")
        #expect(pieces.allSatisfy { $0.count <= 4096 || bytes[$0].filter { $0 == UInt8(ascii: "\n") }.count == 1 })
        #expect(zip(pieces, pieces.dropFirst()).allSatisfy { piece, next in
            let nextLine = bytes[next].firstIndex(of: UInt8(ascii: "\n"))! + 1 - next.lowerBound
            return piece.count + nextLine > 4096
        }, "each piece holds as many lines as fit")
    }

    @Test("pieces: exact cases", arguments: [
        ("ab\ncd", 3, [0..<3, 3..<5]),         // no final newline: the rest is the last piece
        ("abc\ndef\n", 4, [0..<4, 4..<8]),    // a line of exactly the limit
        ("a\nbbbbbb\nc\n", 4, [0..<2, 2..<9, 9..<11]),  // a longer line in the middle, alone
        ("a\nb\nc\n", 100, [0..<6]),
    ])
    func exactPieces(_ text: String, _ limit: Int, _ expected: [Range<Int>]) {
        #expect(BatchedLineWriter.pieces(of: Array(text.utf8), limit: limit) == expected)
    }
}
