#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import FastCGI

@Suite("An answer's pieces leave through sendmsg straight from their buffers")
struct GatheredSendTests {
    /// Reads from `socket` until the other end stops sending.
    static func receiveAll(from socket: Int32) -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return received }
            received += chunk[0..<count]
        }
    }

    @Test("every byte arrives in order, however many calls the pieces take", arguments: [1, 2, 3, 1024])
    func sendsEveryPiece(_ piecesPerCall: Int) async throws {
        let head = Array("Status: 200\r\n\r\n".utf8)
        let body = (0..<150_000).map { UInt8($0 % 251) }
        var framing: [UInt8] = []
        var pieces: [FastCGIRecords.Piece] = []
        FastCGIRecords.layOut(requestID: 7, headCount: head.count, bodyCount: body.count, framing: &framing, pieces: &pieces)
        let expected = FastCGIRecordsTests.sent(head: head, body: body, requestID: 7).bytes
        var ends: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        let (sending, receiving) = (ends[0], ends[1])
        defer { close(receiving) }
        // The receiver reads on another thread: 150 KB does not fit in the socket's buffer.
        let received = Task.detached { Self.receiveAll(from: receiving) }
        var vectors: [iovec] = []
        #expect(body.withUnsafeBytes { body in
            GatheredSend.send(pieces, framing: framing, head: head, body: body, vectors: &vectors,
                              on: sending, piecesPerCall: piecesPerCall)
        })
        close(sending)
        #expect(await received.value == expected)
        #expect(vectors.isEmpty, "no pointer into the buffers outlives the call")
    }
}
