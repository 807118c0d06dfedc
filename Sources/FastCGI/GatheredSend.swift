#if canImport(Glibc)
import Glibc
#endif

/// Sends an answer laid out by `FastCGIRecords` with `sendmsg`, each piece
/// read straight from the buffer it lies in, so a body is never copied into
/// an output buffer first.
enum GatheredSend {
    /// The most pieces one `sendmsg` takes (Linux's `UIO_MAXIOV`); a longer
    /// answer (over 20 MB) takes more calls.
    static let maximumPiecesPerCall = 1024

    /// Sends all of the answer on `socket`; false if the web server has gone.
    /// `vectors` is scratch space the caller keeps from answer to answer.
    static func send(_ pieces: [FastCGIRecords.Piece], framing: [UInt8], head: [UInt8], body: UnsafeRawBufferPointer,
                     vectors: inout [iovec], on socket: Int32, piecesPerCall: Int = maximumPiecesPerCall) -> Bool {
        vectors.removeAll(keepingCapacity: true)
        defer { vectors.removeAll(keepingCapacity: true) }  // they point into buffers that are about to move on
        return framing.withUnsafeBytes { framing in
            head.withUnsafeBytes { head in
                for piece in pieces {
                    let buffer = switch piece.source {
                        case .framing: framing
                        case .head: head
                        case .body: body
                    }
                    vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress! + piece.range.lowerBound),
                                         iov_len: piece.range.count))
                }
                return sendAll(&vectors, on: socket, piecesPerCall: piecesPerCall)
            }
        }
    }

    private static func sendAll(_ vectors: inout [iovec], on socket: Int32, piecesPerCall: Int) -> Bool {
        var first = 0
        while first < vectors.count {
            let count = min(vectors.count - first, piecesPerCall)
            let sent = vectors.withUnsafeMutableBufferPointer { vectors in
                var message = msghdr()
                message.msg_iov = vectors.baseAddress! + first
                message.msg_iovlen = count
                // MSG_NOSIGNAL: a closed connection is an error here, not SIGPIPE.
                return sendmsg(socket, &message, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            // A blocking socket may still take less than all (a signal mid-way):
            // skip what went and send the rest.
            var remaining = sent
            while remaining > 0 {
                if remaining >= vectors[first].iov_len {
                    remaining -= vectors[first].iov_len
                    first += 1
                } else {
                    vectors[first].iov_base += remaining
                    vectors[first].iov_len -= remaining
                    remaining = 0
                }
            }
        }
        return true
    }
}
